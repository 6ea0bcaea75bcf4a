"""The Talk list kept in pages, with the columns a page filters and sorts on beside them
(issue: a million people under ``mapper serve``): at a million its rows were one 210 MB answer
that every worker read and held whole (819 MiB) after every refresh. A page now holds six
fields per person and reads the rest of the rows it draws from the pages holding them, and
shows, filters, sorts, counts, downloads and assigns exactly as from the whole list; on both
stores."""

from __future__ import annotations

import pytest

from dashboard.app import create_app
from dashboard.bulk_assign import bulk_assign
from dashboard.listing import filter_options, grid_rows
from dashboard.pages import talk_next
from dashboard.services import EXTENSION
from dashboard.tables import KeptAnew, RankedRows, list_rows, talk_list, talk_rows
from tests.records import CAMPAIGN, roster, small_campaign, tie
from tests.test_dashboard_callbacks import ADMIN, USERS, signed_in_as, text
from tests.test_dashboard_exports import _client, _csv
from tests.test_stored_answers import Reads

KINDS = ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)]
FIELDS = {c["field"] for c in talk_next.COLUMNS}
REQUESTS = [
    {"startRow": 0, "endRow": 100},
    {"startRow": 2, "endRow": 5},
    {"startRow": 0, "endRow": 100, "sortModel": [{"colId": "name", "sort": "asc"}]},
    {"startRow": 0, "endRow": 100, "sortModel": [{"colId": "score", "sort": "desc"}]},
    {"startRow": 0, "endRow": 100,
     "filterModel": {"unit": {"filterType": "text", "type": "equals", "filter": "ER"}}},
    {"startRow": 0, "endRow": 100,
     "filterModel": {"issues": {"filterType": "text", "type": "equals",
                                "filter": "short staffing"}}},
    {"startRow": 0, "endRow": 100,
     "filterModel": {"reasons": {"filterType": "text", "type": "contains", "filter": "tied"}}},
]


@pytest.fixture(autouse=True)
def nothing_refreshes(monkeypatch):
    monkeypatch.setenv("MAPPER_ANSWER_REFRESH", "0")
    monkeypatch.setenv("MAPPER_SECRET_KEY", "test-secret-" + "k" * 40)


@pytest.fixture(params=KINDS)
def store(request, open_store_of_kind):
    """The small campaign, and eight more people nobody has spoken with, some known."""
    s = open_store_of_kind(request.param)
    new = [("Fay Gold", "ER"), ("Gus Hale", "ICU"), ("Hal Ito", "ER"), ("Ida Kim", "ICU"),
           ("Jo Lund", "ER"), ("Kai Moss", "ICU"), ("Lee Nash", "ER"), ("Mo Olds", "ICU")]
    s.write(small_campaign() + [roster(n, u) for n, u in new]
            + [tie("Ana Lopez", "Fay Gold"), tie("Ana Lopez", "Jo Lund"),
               tie("Cam Lee", "Gus Hale")])
    return s


def app_of(store, page_size: int | None = None):
    """A dashboard process; with ``page_size``, one that keeps long lists in pages of it."""
    app = create_app(lambda: store, users=USERS)
    if page_size is not None:
        app.server.extensions[EXTENSION].analytics.page_size = page_size
    return app


def analytics_of(app):
    return app.server.extensions[EXTENSION].analytics


def shown(app) -> str:
    """Every block, count and filter choice of the Talk list, as the browser gets them."""
    with signed_in_as(app, ADMIN):
        out = [grid_rows(talk_rows, FIELDS, request, None) for request in REQUESTS]
        out.append(filter_options(talk_rows, ["organizer", "unit", "issues"], None))
    return text(out)


def test_the_talk_list_read_from_its_kept_pages_shows_what_the_whole_list_shows(store):
    whole = app_of(store)
    expected = shown(whole)  # (kept in one page of 1,000)
    assert "Fay Gold" in expected and "Mo Olds" in expected and "tied to" in expected
    rows = analytics_of(whole).run(talk_list, campaign=CAMPAIGN)["rows"]
    assert len(rows) == 10

    analytics_of(app_of(store, page_size=3)).answer(talk_list, campaign=CAMPAIGN, fresh=True)
    kept = [s.question for s in store.answer_stamps(CAMPAIGN)
            if s.question.startswith("talk_list")]
    assert sorted(kept) == ["talk_list", "talk_list#columns", "talk_list#p00001",
                            "talk_list#p00002", "talk_list#p00003"]
    assert shown(app_of(store)) == expected  # a new process, reading the pages kept
    new = app_of(store)
    client, fresh = _client(new, ADMIN), _client(app_of(store), ADMIN)
    for path in ("/download/talk-next.csv", "/download/talk-next.csv?unit=ER"):
        assert _csv(client.get(path).data) == _csv(fresh.get(path).data)


def test_a_block_of_the_talk_list_reads_the_columns_and_the_pages_holding_its_rows(store):
    """The first two rows of a list kept in pages of three: the columns and the head (which
    holds the first page), never another page; the last row: its own page."""
    analytics_of(app_of(store, page_size=3)).answer(talk_list, campaign=CAMPAIGN, fresh=True)
    app = app_of(store)
    reads = Reads(store)
    analytics_of(app).answers = reads
    with signed_in_as(app, ADMIN):
        block, count = grid_rows(talk_rows, FIELDS, {"startRow": 0, "endRow": 2}, None)
        assert count == "10 people" and len(block["rowData"]) == 2
        assert all(r["reasons"] for r in block["rowData"])
        assert set(reads.read) == {"talk_list", "talk_list#columns"}
        reads.read.clear()
        block, _ = grid_rows(talk_rows, FIELDS, {"startRow": 9, "endRow": 10}, None)
        assert [r["rank"] for r in block["rowData"]] == [10]
        assert "talk_list#p00003" in reads.read
        assert not {"talk_list#p00001", "talk_list#p00002", "talk_list#columns"} & set(reads.read)


def test_the_talk_list_is_read_again_once_kept_anew_and_never_filled_from_another_keep(store):
    app = app_of(store, page_size=3)
    analytics = analytics_of(app)
    analytics.answer(talk_list, campaign=CAMPAIGN, fresh=True)
    before = list_rows(analytics, talk_rows, CAMPAIGN)
    assert isinstance(before, RankedRows)
    assert list_rows(analytics, talk_rows, CAMPAIGN) is before  # (its sorts kept with it)
    head = analytics.answer(talk_list, campaign=CAMPAIGN, first=0)
    assert analytics.at(talk_list, head, [0, 4, 9], campaign=CAMPAIGN)[9]["name"] == \
        before[9]["name"]

    store.write([roster("Zed Quinn", "ER"), tie("Ana Lopez", "Zed Quinn")])
    analytics.answer(talk_list, campaign=CAMPAIGN, fresh=True)
    after = list_rows(analytics, talk_rows, CAMPAIGN)
    assert after is not before and "Zed Quinn" in [r["name"] for r in after]
    assert analytics.at(talk_list, head, [4, 9], campaign=CAMPAIGN) is None
    # A page drawn from the list read before is read again, never filled from another keep.
    with pytest.raises(KeptAnew):
        before.fill([before[9]])
    with signed_in_as(app, ADMIN):
        assert "Zed Quinn" in text(grid_rows(talk_rows, FIELDS, {}, None))


def test_a_list_kept_anew_at_the_same_version_by_another_process_is_read_again(store):
    """Two workers: one shows the list, the other keeps it anew with no write between (after
    a forget, or both computing it at once). The first draws every row whole, from the new
    keep, rather than rows of the one its memory holds."""
    shows, keeps = app_of(store, page_size=3), app_of(store, page_size=3)
    analytics_of(shows).answer(talk_list, campaign=CAMPAIGN, fresh=True)
    with signed_in_as(shows, ADMIN):
        grid_rows(talk_rows, FIELDS, {"startRow": 0, "endRow": 2}, None)  # (the first two)
    kept = analytics_of(keeps).answer(talk_list, campaign=CAMPAIGN, fresh=True)
    assert kept.version == store.version()
    with signed_in_as(shows, ADMIN):
        block, count = grid_rows(talk_rows, FIELDS, {"startRow": 0, "endRow": 100}, None)
    assert count == "10 people" and all(r["reasons"] for r in block["rowData"])
    with signed_in_as(keeps, ADMIN):
        assert text(block) == text(grid_rows(talk_rows, FIELDS, {"startRow": 0, "endRow": 100},
                                             None)[0])
    held = analytics_of(shows).views[("talk-list", CAMPAIGN)][0]
    assert held == (kept.version, kept.as_of)


def test_assigning_the_top_of_the_talk_list_kept_in_pages_assigns_its_first_unassigned(store):
    app = app_of(store, page_size=3)
    analytics = analytics_of(app)
    analytics.answer(talk_list, campaign=CAMPAIGN, fresh=True)
    first = [r["person"] for r in list_rows(analytics, talk_rows, CAMPAIGN)
             if r["unit"] == "ER"][:2]
    with signed_in_as(app, ADMIN):
        said, wrote = bulk_assign(talk_rows, ["unit"], "top", None, "Dev Patel", 2, ["ER"],
                                  None)
    assert wrote and said == "Assigned 2 contacts to Dev Patel."
    assert {p for p, who in store.assignees(CAMPAIGN).items() if who == "Dev Patel"} \
        >= set(first)


def test_a_download_of_every_row_is_not_remembered_in_the_worker(monkeypatch):
    """A page's rows are remembered whole for the next draw; a download of thousands is not
    (at a million people, the whole list again)."""
    monkeypatch.setattr(RankedRows, "KEEP", 3)
    filled = []

    def fill(rows):
        filled.extend(r["person"] for r in rows)
        return [{**r, "reasons": "why"} for r in rows]

    rows = RankedRows([{"person": f"p{i}", "rank": i} for i in range(10)], fill)
    assert [r["reasons"] for r in rows.fill(rows[:2])] == ["why", "why"]
    rows.fill(rows[:2])
    assert filled == ["p0", "p1"]  # (drawn again: remembered)
    assert len(rows.fill(list(rows))) == 10
    rows.fill(rows[:1])
    assert filled.count("p0") == 1 and len(rows._whole) <= 3
    rows.fill(rows[5:8])
    rows.fill(rows[5:8])
    assert filled.count("p5") == 2  # (the download's rows were filled, not kept)


def test_a_refresher_drops_the_talk_rows_an_older_release_kept_whole(store):
    """Before, the Talk list was kept whole as ``talk_rows`` (210 MB at a million people):
    nothing computes it now, so once stale it is dropped, not read and stale forever."""
    import datetime as dt

    from mapper.analytics.stored import Refresher
    from mapper.stores.base import StoredAnswer

    analytics = analytics_of(app_of(store))
    analytics.answer(talk_list, campaign=CAMPAIGN)
    at = dt.datetime(2026, 12, 5, tzinfo=dt.timezone.utc)
    store.put_answer(StoredAnswer(CAMPAIGN, "talk_rows", "{}", store.version(), at,
                                  [{"name": "Fay Gold"}]))
    Refresher(analytics).run_once()
    assert "talk_rows" in {s.question for s in store.answer_stamps(CAMPAIGN)}  # (not stale)
    store.write([roster("Zed Quinn", "ER"), tie("Ana Lopez", "Zed Quinn")])
    assert Refresher(analytics).run_once() >= 1
    kept = {s.question: s.version for s in store.answer_stamps(CAMPAIGN)}
    assert "talk_rows" not in kept and kept["talk_list"] == store.version()


def test_a_page_sorts_only_as_its_sort_by_offers(store):
    """A sort the page does not offer (a crafted request: the reasons, the score) would read
    every row of a long list whole; it is ignored, and the list comes in its rank."""
    from dashboard.listing import list_page

    app = app_of(store, page_size=3)
    analytics_of(app).answer(talk_list, campaign=CAMPAIGN, fresh=True)
    with signed_in_as(app, ADMIN):
        ranked = list_page(talk_next.LIST, [None] * 3, "rank", 0, None)["rows"]
        for crafted in ("reasons", "score", "messenger"):
            assert list_page(talk_next.LIST, [None] * 3, crafted, 0, None)["rows"] == ranked
        by_name = list_page(talk_next.LIST, [None] * 3, "name", 0, None)["rows"]
    assert [r["name"] for r in by_name] == sorted((r["name"] for r in ranked), key=str.casefold)


def test_a_refresher_keeps_no_snapshot_after_its_round(store):
    """A round reads the campaign whole (at a million people its snapshot and answers were
    2.4 GB, held by that worker until the next round); the answers are in the store after."""
    from mapper.analytics.stored import Refresher

    analytics = analytics_of(app_of(store))
    analytics.answer(talk_list, campaign=CAMPAIGN)
    store.write([roster("Zed Quinn", "ER")])
    assert Refresher(analytics).run_once() >= 1
    assert not analytics._latest
    assert not [k for bucket in analytics._versions.values() for k in bucket
                if k[0] == "__snapshot__" or k[0].endswith(".talk_list")]
    assert analytics.answer(talk_list, campaign=CAMPAIGN, first=0).version == store.version()


def test_a_list_computed_here_whose_keep_failed_is_drawn_from_memory(store, caplog):
    """Storing the answer failed (a locked file, a full disk): the list computed here is
    shown whole from memory, never read again and again from pages that are not there."""
    app = app_of(store, page_size=3)
    analytics = analytics_of(app)

    def refuse(answers, drop=()):
        raise OSError("disk full")

    store.put_answers = refuse
    with signed_in_as(app, ADMIN):
        block, count = grid_rows(talk_rows, FIELDS, {"startRow": 0, "endRow": 100}, None)
    assert count == "10 people" and all(r["reasons"] for r in block["rowData"])
    assert "storing an answer failed: OSError" in caplog.text and "disk full" not in caplog.text
    assert not [s for s in store.answer_stamps(CAMPAIGN) if s.question.startswith("talk_list")]
