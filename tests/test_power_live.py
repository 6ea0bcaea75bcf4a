"""The power map's rankings as of the last write (issue: "power rankings within 300 ms of a
write"): right after a 1-on-1 names a decision maker for an issue, while the kept power map
(chains, people affected, trusted paths) is still the one computed before it, ``mapper power``,
the dashboard's power page and the API's power answer rank the new naming; on both stores,
for every role (the rankings name decision makers and counts only)."""

from __future__ import annotations

import pytest

from dashboard.app import create_app
from dashboard.pages import power
from mapper import cli
from tests.records import CAMPAIGN, conversation, small_campaign
from tests.test_cli_loop import mapper  # noqa: F401  (the CLI on both stores)
from tests.test_dashboard_callbacks import ADMIN, USERS, VIEWER, signed_in_as, text

KINDS = ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)]
PARKING = f"issue:{CAMPAIGN}:parking costs"
ROSA = f"dm:{CAMPAIGN}:rosa vance"


@pytest.fixture(autouse=True)
def kept_answers_served_stale(monkeypatch):
    """A kept whole-graph answer is served for 10 minutes after a write, and nothing
    refreshes it meanwhile: what a page shows between a write and the refresher's round."""
    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    monkeypatch.setenv("MAPPER_ANSWER_REFRESH", "0")
    monkeypatch.setenv("MAPPER_SECRET_KEY", "test-secret-" + "k" * 40)


@pytest.fixture(params=KINDS)
def store(request, open_store_of_kind):
    s = open_store_of_kind(request.param)
    s.write(small_campaign())
    return s


def naming(name: str = "Dee Park", boss: str = "Rosa Vance", issue: str = "parking costs",
           anger: int = 5):
    """A 1-on-1 with ``name``, angry about ``issue``, who names ``boss`` as able to fix it."""
    return conversation(name, "2026-11-22", id=f"naming-{name}", unit="ER", assessment=2,
                        issues=[{"issue": issue, "anger": anger}],
                        responsibility={"named": [{"issue": issue, "decision_maker": {
                            "name": boss, "title": "Parking Director"}}]})


# -- the analytics the pages and the API ask -------------------------------------------------

def test_the_rankings_are_read_from_the_read_model_else_from_the_kept_power_map(store,
                                                                               monkeypatch):
    from mapper.analytics import Analytics, power_map, power_ranking

    store.write([naming()])
    real = store.snapshot
    built: list[str] = []
    monkeypatch.setattr(store, "snapshot", lambda campaign: built.append(campaign) or real(
        campaign))
    a = Analytics(store, campaign=CAMPAIGN, answers=store)
    assert a.power_ranking(first=1) == power_ranking(real(CAMPAIGN), first=1)
    assert built == []  # kept with each write: no snapshot built
    # While the campaign's read model is rebuilt the store answers None: from the power map
    # (computed here once, then kept), not a snapshot each time.
    monkeypatch.setattr(store, "power_ranking", lambda *args, **options: None)
    store.write([naming("Cam Lee", "Ivy Chen")])
    assert a.power_ranking(first=1) == power_ranking(real(CAMPAIGN), first=1)
    assert a.power_ranking() == power_ranking(real(CAMPAIGN))
    assert built == [CAMPAIGN]  # (the power map's, kept)
    assert "Ivy Chen" in {d["name"] for i in a.power_ranking()["issues"]
                          for d in i["decision_makers"]}
    again = Analytics(store, campaign=CAMPAIGN, answers=store)  # another process
    assert again.power_ranking(first=2) == power_ranking(real(CAMPAIGN), first=2)
    assert built == [CAMPAIGN]
    assert store.get_answer(CAMPAIGN, "power_map", '{"min_anger":3}') is not None
    assert again.power_map()["issues"] == power_map(real(CAMPAIGN))["issues"]


# -- mapper power ------------------------------------------------------------------------------

def test_mapper_power_ranks_a_naming_written_after_the_kept_answer(mapper,  # noqa: F811
                                                                   monkeypatch):
    monkeypatch.setattr(cli, "out", cli.console(width=250))  # a row on one line
    with mapper.store() as store:
        store.write(small_campaign())
    mapper("power")  # computed, and kept
    with mapper.store() as store:
        store.write([naming()])

    issues, makers = mapper("power").split("Power map", 1)
    row = next(line for line in issues.splitlines() if "parking costs" in line)
    assert "Rosa Vance (1 named, total anger 5)" in row
    assert "Rosa Vance" not in makers  # the decision makers' table: the kept answer, as it was
    answer = mapper.json("power")
    parking = next(i for i in answer["issues"] if i["key"] == PARKING)
    assert (parking["named"], parking["namings"]) == (1, 1)
    assert [(d["key"], d["title"], d["people"], d["anger"])
            for d in parking["decision_makers"]] == [(ROSA, "Parking Director", 1, 5)]
    assert ROSA not in {d["key"] for d in answer["decision_makers"]}


def test_mapper_power_names_an_issues_first_ten_decision_makers_and_counts_the_rest(
        mapper, monkeypatch):  # noqa: F811
    """The table reads each issue's first ten alone: how many more comes from the count."""
    monkeypatch.setattr(cli, "out", cli.console(width=400))
    with mapper.store() as store:
        store.write(small_campaign())
    mapper("power")  # computed, and kept
    with mapper.store() as store:
        store.write([naming(f"Nurse {n}", f"Boss {n:02d}", "pay", 3 + n % 3) for n in range(12)])
    row = next(line for line in mapper("power").splitlines() if "Boss " in line)
    # Each named once: the angriest first (5: 2, 5, 8, 11; 4: 1, 4, 7, 10; 3: 0, 3, ...).
    assert "Boss 02 (1 named, total anger 5), Boss 05 (1 named, total anger 5)" in row
    assert "Boss 03 (" in row and "Boss 06 (" not in row and "Boss 09 (" not in row
    assert row.rstrip(" │").endswith("and 2 more")
    pay = next(i for i in mapper.json("power")["issues"] if i["name"] == "pay")
    assert len(pay["decision_makers"]) == pay["named"] == 12  # --json: every one


def test_mapper_power_json_of_a_kept_answer_of_the_last_write_ranks_as_the_read_model(
        mapper):  # noqa: F811
    """Computed after the last write (--fresh), the kept answer's rankings are the ones the
    store keeps: an export reads them from it, not every pair again."""
    from mapper.analytics.power import power_ranking

    with mapper.store() as store:
        store.write([*small_campaign(), naming(), naming("Eve Ng", anger=3)])
    fresh = mapper.json("power", "--fresh")
    kept = mapper.json("power")  # (the one --fresh kept, of this version)
    with mapper.store() as store:
        ranked = power_ranking(store.snapshot(CAMPAIGN))["issues"]
        assert store.power_ranking(CAMPAIGN)["issues"] == ranked
    assert fresh["issues"] == kept["issues"] == ranked


# -- the dashboard's power page ----------------------------------------------------------------

def test_the_power_page_ranks_a_naming_written_after_the_kept_answer(store):
    app = create_app(lambda: store, users=USERS)
    with signed_in_as(app, VIEWER):  # every role sees the rankings
        options = power.update_power(None, None)[4]
        assert PARKING not in [o["value"] for o in options]  # no one named for it yet
        store.write([naming()])

        elements, _, figure, paths, options = power.update_power(None, PARKING)
        assert PARKING in [o["value"] for o in options]
        assert "Rosa Vance" in text(figure) and "parking costs" in text(figure)
        assert f"{PARKING}>{ROSA}" in {e["data"]["id"] for e in elements}
        # The decision makers' table: the kept answer, computed before the write.
        assert "Rosa Vance" not in text(paths)

        elements, _, figure, paths, _ = power.update_power(None, None)  # all issues
        assert "Rosa Vance" in text(figure) and "Carl Reyes" in text(figure)
        nodes = {e["data"]["id"]: e["data"] for e in elements if "position" in e}
        assert nodes[ROSA]["label"] == "Rosa Vance\nParking Director"  # by name, not key
        assert f"{PARKING}>{ROSA}" in {e["data"]["id"] for e in elements}
        assert "Rosa Vance" not in text(paths)
        # Clicked, a decision maker the kept answer does not know yet says why there is
        # nothing to show about them.
        detail = text(power.dm_detail({"id": ROSA, "kind": "decision_maker"}, None))
        assert "Named since the power map was last computed" in detail
        seen = text([elements, figure, options])
    assert "Dee Park" not in seen  # who named them stays out of a viewer's sight


def test_the_power_page_reads_what_it_shows_from_the_kept_pages_as_from_the_whole(store):
    """At a million people the kept power map is 49 MB: the page reads the decision makers
    it draws and lists from the pages holding them, and shows what the whole one showed."""
    from dashboard.services import EXTENSION
    from mapper.analytics import power_map

    store.write([naming(f"Namer {i}", f"Boss {i}") for i in range(6)])
    store.write([naming("Dee Park", "Rosa Vance", issue="short staffing")])

    def shown(app) -> str:
        with signed_in_as(app, ADMIN):
            out = [power.update_power(None, None), power.update_power(None, PARKING),
                   power.update_power(None, f"issue:{CAMPAIGN}:short staffing")]
            out += [power.dm_detail({"id": f"dm:{CAMPAIGN}:{dm}", "kind": "decision_maker"}, None)
                    for dm in ("boss 5", "carl reyes", "rosa vance")]
        return text(out)

    whole = create_app(lambda: store, users=USERS)
    expected = shown(whole)  # (kept in one page of 1,000)
    assert "Boss 5" in expected and "Carl Reyes" in expected
    paged = create_app(lambda: store, users=USERS)
    analytics = paged.server.extensions[EXTENSION].analytics
    analytics.page_size = 1
    kept = analytics.answer(power_map, campaign=CAMPAIGN, fresh=True)
    assert len(kept.value["decision_makers"]) > 6
    assert sum(s.question.startswith("power_map#p") for s in store.answer_stamps(CAMPAIGN)) > 6
    assert shown(paged) == expected


def test_the_power_page_ranks_from_the_read_model_never_from_a_snapshot(store):
    """The dashboard reads the store through its campaign's words (WithCampaignTexts): the
    rankings it shows after a write are the read model's, not a whole snapshot's (at a million
    people 50 s and 1.2 GB in each worker, after every write)."""
    from dashboard.services import EXTENSION
    from mapper.analytics import power_map

    app = create_app(lambda: store, users=USERS)
    app.server.extensions[EXTENSION].analytics.answer(power_map, campaign=CAMPAIGN)
    store.write([naming()])

    def no_snapshot(campaign):
        raise AssertionError("a whole snapshot read")

    store.snapshot = no_snapshot
    with signed_in_as(app, VIEWER):
        elements, _, figure, _, options = power.update_power(None, PARKING)
    assert PARKING in [o["value"] for o in options] and "Rosa Vance" in text(figure)


def test_the_all_issues_ranking_orders_by_times_named_then_anger_then_name(store):
    app = create_app(lambda: store, users=USERS)
    with signed_in_as(app, VIEWER):
        power.update_power(None, None)  # computed, and kept
    store.write([naming("Nurse 1", "Zed Alder", "pay", 2), naming("Nurse 2", "Zed Alder",
                                                                   "parking costs", 2),
                 naming("Nurse 3", "Abe Birch", "pay", 1),
                 naming("Nurse 4", "Moe Cedar", "pay", 5)])
    with signed_in_as(app, VIEWER):
        figure = power.update_power(None, None)[2]
    bars = figure.data[0]
    # Top down: Zed named twice; then once each, Carl and Moe (anger 5, by name), Abe (1).
    assert [y.split(" (")[0] for y in bars.y][::-1] == [
        "Zed Alder", "Carl Reyes", "Moe Cedar", "Abe Birch"]
    assert list(bars.x)[::-1] == [2, 1, 1, 1]


def test_every_decision_maker_of_an_export_is_named_when_more_than_a_statement_binds(
        open_store_of_kind):
    """An export ranks every pair: the embedded store then reads the decision makers' names
    and titles by one pass over the campaign's (more keys than a statement binds), never
    another campaign's of the same name."""
    from mapper.analytics import power_ranking
    from mapper.models import OneOnOne

    store = open_store_of_kind("sqlite")
    many = 950  # more than one statement binds (mapper.stores.sqlite._CHUNK)
    store.write([naming(f"Nurse {i}", f"Boss {i:04}", "pay", i % 6) for i in range(many)])
    other = naming("Nurse 0", "Boss 0000", "pay", 5).model_dump(mode="json")
    other["campaign"] = "elsewhere"
    other["responsibility"]["named"][0]["decision_maker"]["title"] = "Another Title"
    store.write([OneOnOne.model_validate(other)])
    kept = store.power_ranking(CAMPAIGN)
    assert kept == power_ranking(store.snapshot(CAMPAIGN))
    ranked = kept["issues"][0]["decision_makers"]
    assert len(ranked) == many
    assert {(d["name"], d["title"]) for d in ranked} == {
        (f"Boss {i:04}", "Parking Director") for i in range(many)}


# -- the API -----------------------------------------------------------------------------------

def test_the_apis_power_answer_ranks_a_naming_written_after_the_kept_answer(store):
    app = create_app(lambda: store, users=USERS)
    client = app.server.test_client()
    accounts = app.server.extensions["mapper_accounts"]
    for user in ("vera", "maya"):
        token = accounts.tokens.create(user).token

        def ask() -> dict:
            r = client.get(f"/api/v1/questions/power?campaign={CAMPAIGN}",
                           headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 200, r.json
            return r.json

        before = ask()
        store.write([naming(f"Dee Park {user}", f"Rosa Vance {user}")])
        after = ask()
        assert after["computed_at"] == before["computed_at"]  # the kept answer, from before
        parking = next(i for i in after["answer"]["issues"] if i["key"] == PARKING)
        assert f"Rosa Vance {user}" in {d["name"] for d in parking["decision_makers"]}
        assert f"Rosa Vance {user}" not in {d["name"] for d in after["answer"]["decision_makers"]}


# -- an older store gets the rankings when opened -----------------------------------------------

def test_a_schema_11_file_gets_its_rankings_with_its_read_models_rebuild(tmp_path):
    from mapper.analytics.power import power_ranking
    from mapper.stores.sqlite import SCHEMA, SQLiteStore

    store = SQLiteStore(tmp_path / "old.db")
    store.write([*small_campaign(), naming(), naming("Eve Ng", anger=3)])
    expected = power_ranking(store.snapshot(CAMPAIGN))
    assert expected["issues"][0]["namings"]  # (someone is named)
    # As schema 11 left it: no namings on the rows, no pairs.
    store._db.executescript("ALTER TABLE rm_people DROP COLUMN named; DROP TABLE rm_named; "
                            "DELETE FROM rm_counts WHERE kind IN ('namings', 'named_dms'); "
                            "UPDATE meta SET v = 11 WHERE k = 'schema';")
    store.close()
    store = SQLiteStore(tmp_path / "old.db")
    try:
        assert store._db.execute("SELECT v FROM meta WHERE k = 'schema'").fetchone() == (SCHEMA,)
        assert store._rebuilds() == []
        assert store.power_ranking(CAMPAIGN) == expected
        store.write([naming("Fay Moss", boss="Carl Reyes")])
        assert store.power_ranking(CAMPAIGN) == power_ranking(store.snapshot(CAMPAIGN))
    finally:
        store.close()


@pytest.mark.neo4j
def test_a_schema_11_neo4j_store_gets_its_rankings_with_its_read_models_rebuild(
        open_store_of_kind, neo4j_uri):
    from mapper.analytics.power import power_ranking
    from mapper.stores.neo4j import SCHEMA, Neo4jStore

    store = open_store_of_kind("neo4j")
    store.write([*small_campaign(), naming(), naming("Eve Ng", anger=3)])
    expected = power_ranking(store.snapshot(CAMPAIGN))
    with store._session() as session:  # as schema 11 left it
        session.run("MATCH (r:PersonRow) REMOVE r.named").consume()
        session.run("MATCH (c:NamedCount) DELETE c").consume()
        session.run("MATCH (c:ReadCount) WHERE c.kind IN ['namings', 'named_dms'] "
                    "DELETE c").consume()
        session.run("MATCH (m:StoreMeta) SET m.schema = 11").consume()
    Neo4jStore(neo4j_uri).close()
    with store._session() as session:
        assert session.run("MATCH (m:StoreMeta) RETURN m.schema").single()[0] == SCHEMA
    assert store._rebuilds() == []
    assert store.power_ranking(CAMPAIGN) == expected
    store.write([naming("Fay Moss", boss="Carl Reyes")])
    assert store.power_ranking(CAMPAIGN) == power_ranking(store.snapshot(CAMPAIGN))
