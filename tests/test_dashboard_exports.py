"""Lists out (CSV, XLSX, call sheet) and bulk assign on the people lists, over the real server."""

from __future__ import annotations

import csv
import io
import logging
import re
from contextlib import contextmanager

import pytest
from flask_login import login_user
from openpyxl import load_workbook

from dashboard.app import create_app
from dashboard.bulk_assign import bulk_assign
from dashboard.grid import equals_filter
from dashboard.listing import grid_rows
from dashboard.pages import ready, talk_next
from dashboard.tables import ready_rows, talk_rows
from dashboard.users import User, hash_password
from mapper.cells import guard
from mapper.sheets import read_table
from mapper.models import Assignment
from tests.records import CAMPAIGN, conversation, roster, small_campaign, tie

PASSWORD = "correct horse battery staple"
HASH = hash_password(PASSWORD)
ADMIN = User("root", "admin", None, HASH)
PLANNER = User("pat", "planner", None, HASH)
MAYA = User("maya", "organizer", "Maya Ortiz", HASH)
DEV = User("dev", "organizer", "Dev Patel", HASH)
VIEWER = User("vera", "viewer", None, HASH)
# Maya's account, her name typed as her 1-on-1s do not spell it.
MAYA_LOWER = User("maya2", "organizer", "maya ortiz", HASH)
USERS = {u.username: u for u in (ADMIN, PLANNER, MAYA, DEV, VIEWER, MAYA_LOWER)}

FORMULA = '=HYPERLINK("http://x","y")'
BEN_PHONE, DEE_PHONE, EVIL_PHONE = "+1 555 0202", "+1 555 0303", "+1 555 0404"
# As a phone bank dials them: spaces dropped (then no spreadsheet reads a "+" as a formula).
MAYA_PHONE, BEN_DIAL = "+15550100", "+15550202"
PEOPLE_LISTS = ["ready", "talk-next", "follow-ups", "my-list"]


def _contact(name: str, phone: str, unit: str = "ER") -> dict:
    return {"name": name, "unit": unit, "shift": "days", "phone": phone}


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, open_store_of_kind):
    s = open_store_of_kind(request.param)
    s.write(small_campaign() + [
        roster("Eve Stone", "ER"), roster("Fay Wong", "ICU"), tie("Eve Stone", "Cam Lee"),
        tie("Fay Wong", "Ana Lopez"),
        conversation("Ben Ortiz", "2026-11-18", organizer="Dev Patel",
                     contact=_contact("Ben Ortiz", BEN_PHONE, "ICU"), assessment=3),
        conversation("Dee Park", "2026-11-19", organizer="Dev Patel",
                     contact=_contact("Dee Park", DEE_PHONE), assessment=3),
        conversation(FORMULA, "2026-11-19", organizer="Dev Patel",
                     contact=_contact(FORMULA, EVIL_PHONE), assessment=2),
        Assignment(person="Ben Ortiz", organizer="Maya Ortiz", date="2026-11-20",
                   campaign=CAMPAIGN),
    ])
    return s


@pytest.fixture
def app(store):
    return create_app(lambda: store, users=USERS)


def _client(app, user: User | None):
    client = app.server.test_client()
    if user is None:
        return client
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/login", data={"username": user.username, "password": PASSWORD,
                                    "csrf_token": token, "next": "/"})
    assert r.status_code == 302
    return client


@contextmanager
def signed_in_as(app, user: User):
    with app.server.test_request_context("/_dash-update-component", method="POST"):
        login_user(user)
        yield


def _xlsx(body: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(body)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def _csv(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _as_excel_opens(body: bytes) -> str:
    """A CSV's text as Excel reads a file opened from disk: UTF-8 when it starts with a byte
    order mark, else in the computer's code page (Windows-1252 in the Americas and Europe)."""
    bom = "\N{BYTE ORDER MARK}".encode()
    return body[len(bom):].decode() if body.startswith(bom) else body.decode("cp1252", "replace")


def _screen(app, user, shape, fields, **filters) -> list[dict]:
    with signed_in_as(app, user):
        block, _ = grid_rows(shape, fields, {"startRow": 0, "endRow": 500,
                                             "filterModel": equals_filter(**filters)}, None)
    return block["rowData"]


# --- the files hold the list on screen ----------------------------------------------------------

@pytest.mark.parametrize("path, shape, page", [("ready", ready_rows, ready),
                                               ("talk-next", talk_rows, talk_next)])
def test_an_xlsx_export_opens_and_equals_the_list_on_screen(app, path, shape, page):
    fields = {c["field"] for c in page.COLUMNS}
    for query, filters in [("", {}), ("?unit=ICU", {"unit": "ICU"})]:
        r = _client(app, ADMIN).get(f"/download/{path}.xlsx{query}")
        assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
        table = _xlsx(r.data)
        header, rows = table[0], table[1:]
        shown = _screen(app, ADMIN, shape, fields, **filters)
        assert [r_[header.index("Name")] for r_ in rows] == [s["name"] for s in shown]
        assert [r_[header.index("#")] for r_ in rows] == [s["rank"] for s in shown]
        assert [r_[header.index("Assigned to")] for r_ in rows] == [s["assigned_to"] for s in shown]
        assert shown, "the list on screen is not empty"
        assert len(shown) < len(_screen(app, ADMIN, shape, fields)) or not filters
    assert [r_[header.index("Phone")] for r_ in rows if r_[header.index("Name")] == "Ben Ortiz"] \
        == [BEN_DIAL] or path == "talk-next"


def test_a_download_says_its_type_and_charset_once(app):
    client = _client(app, ADMIN)
    assert client.get("/download/ready.csv").headers["Content-Type"] == "text/csv; charset=utf-8"
    assert client.get("/download/ready.xlsx").headers["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def test_the_csv_holds_the_same_rows_as_the_xlsx(app):
    client = _client(app, ADMIN)
    assert _csv(client.get("/download/ready.csv").data) == [
        [guard("" if v is None else str(v)) for v in row]
        for row in _xlsx(client.get("/download/ready.xlsx").data)]


def test_an_organizers_export_holds_phones_only_of_her_own_and_assigned_contacts(app):
    client = _client(app, MAYA)
    for path in ("ready.xlsx", "ready.csv"):
        body = client.get(f"/download/{path}").data
        table = _xlsx(body) if path.endswith("xlsx") else _csv(body)
        header = table[0]
        phones = {row[header.index("Name")]: row[header.index("Phone")] for row in table[1:]}
        assert phones["Ben Ortiz"] == BEN_DIAL           # assigned to her
        assert phones["Cam Lee"] == MAYA_PHONE           # she talked with him
        assert phones["Dee Park"] in (None, "")          # Dev's contact
        text = body.decode("utf-8", "replace") if path.endswith("csv") else str(table)
        assert "0303" not in text and "0404" not in text
    sheet = client.get("/print/ready").get_data(as_text=True)
    assert BEN_DIAL in sheet and "0303" not in sheet and "0404" not in sheet


def test_a_planner_sees_the_lists_but_no_phone_numbers(app):
    client = _client(app, PLANNER)
    for path in PEOPLE_LISTS:
        r = client.get(f"/download/{path}.csv")
        assert r.status_code == 200
        text = r.get_data(as_text=True)
        assert not re.search(r"555 ?0", text)
    assert "Ben Ortiz" in client.get("/download/my-list.csv?organizer=Maya Ortiz").get_data(
        as_text=True)


@pytest.mark.parametrize("path", [f"/download/{p}.{f}" for p in PEOPLE_LISTS for f in ("csv", "xlsx")]
                         + [f"/print/{p}" for p in PEOPLE_LISTS])
def test_a_viewer_cannot_download_a_list_of_people(app, path, caplog):
    with caplog.at_level(logging.INFO, logger="mapper.audit"):
        r = _client(app, VIEWER).get(path)
    assert r.status_code == 403
    assert [m.getMessage().split(" list=")[0] for m in caplog.records
            if m.name == "mapper.audit"] == ["export refused user=vera"]
    assert b"Ben Ortiz" not in r.data and b"Ana Lopez" not in r.data


def test_downloads_need_sign_in(app):
    r = _client(app, None).get("/download/ready.csv")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")
    assert _client(app, ADMIN).get("/download/nothing.csv").status_code == 404
    assert _client(app, ADMIN).get("/download/ready.exe").status_code == 404


def test_a_formula_name_is_guarded_in_csv_and_a_text_cell_in_xlsx(app):
    client = _client(app, ADMIN)
    rows = _csv(client.get("/download/ready.csv").data)
    names = [r[rows[0].index("Name")] for r in rows[1:]]
    assert "'" + FORMULA in names and FORMULA not in names
    sheet = load_workbook(io.BytesIO(client.get("/download/ready.xlsx").data)).active
    cells = [c for c in sheet["B"] if c.value == FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)
    # And the call sheet shows it as text, never as markup.
    assert "=HYPERLINK(&#34;http://x&#34;,&#34;y&#34;)" in client.get("/print/ready").get_data(
        as_text=True)


def test_no_cell_of_a_csv_starts_a_formula_where_excel_splits_on_semicolons(app, store):
    # Excel where the list separator is ";" (most of Europe) splits each line on it, quotes
    # or not: a name or an issue with ";=" inside would be a formula cell of its own.
    store.write([conversation("Zed;=1+1;", "2026-11-19", organizer="Dev Patel",
                              contact=_contact("Zed;=1+1;", "+1 555 0505"), assessment=2,
                              issues=[{"issue": "pay;-2+3", "anger": 5}],
                              follow_up={"thank_you_sent": False})])
    for path in ("ready", "follow-ups"):
        body = _client(app, ADMIN).get(f"/download/{path}.csv?as_of=2026-12-20").data
        assert "Zed;" in body.decode()
        cells = [c for row in csv.reader(io.StringIO(body.decode()), delimiter=";") for c in row]
        assert not [c for c in cells if c.lstrip()[:1] in ("=", "+", "-", "@")], path
        names = [r[1] for r in _csv(body)[1:]]
        assert "Zed;'=1+1;" in names  # and the comma-separated file still reads as it did


def test_an_xlsx_export_opens_whatever_characters_a_name_holds(app, store):
    # A name may hold U+FFFF (it is no control character); a worksheet, being XML, may not.
    store.write([conversation("Zed\uffffRoe", "2026-11-19", organizer="Dev Patel",
                              contact=_contact("Zed\uffffRoe", "+1 555 0505"), assessment=2)])
    table = _xlsx(_client(app, ADMIN).get("/download/ready.xlsx").data)
    assert "ZedRoe" in [row[table[0].index("Name")] for row in table[1:]]


def test_an_accented_name_opens_in_excel_as_it_was_written(app, store, tmp_path):
    store.write([conversation("José Núñez", "2026-11-19", organizer="Dev Patel",
                              contact=_contact("José Núñez", "+1 555 0505"), assessment=2)])
    body = _client(app, ADMIN).get("/download/ready.csv").data
    assert "José Núñez" in _as_excel_opens(body)
    # And the product reads its own download back, the header as it was.
    path = tmp_path / "ready.csv"
    path.write_bytes(body)
    table = read_table(path)
    assert table.headers[:2] == ["#", "Name"]
    assert "José Núñez" in [cells[1] for _, cells in table.rows]


def test_each_export_is_logged_without_a_personal_value(app, caplog):
    client = _client(app, MAYA)
    with caplog.at_level(logging.INFO, logger="mapper.audit"):
        for path in ("/download/ready.csv", "/download/talk-next.xlsx", "/print/my-list"):
            assert client.get(path).status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "mapper.audit"]
    assert len(lines) == 3
    assert "user=maya list=ready format=csv" in lines[0] and f"campaign={CAMPAIGN}" in lines[0]
    assert "format=print" in lines[2] and re.search(r"rows=\d+", lines[1])
    for line in lines:
        for personal in ("Ana", "Ben", "Cam", "Dee", "Lopez", "Maya Ortiz", "555", "HYPERLINK"):
            assert personal not in line


def test_the_call_sheet_has_one_section_per_organizer(app, store):
    client = _client(app, ADMIN)
    page = client.get("/print/ready").get_data(as_text=True)
    rows = _screen(app, ADMIN, ready_rows, {c["field"] for c in ready.COLUMNS})
    holders = {r["assigned_to"] or r["organizer"] for r in rows}
    assert page.count('<section class="call-sheet">') == len(holders) >= 2
    assert "Outcome" in page and "Ben Ortiz" in page and BEN_DIAL in page
    my = client.get("/print/my-list").get_data(as_text=True)
    assert my.count('<section class="call-sheet">') == 1 and "Maya Ortiz" in my


def test_the_call_sheet_has_one_section_per_organizer_however_her_name_is_spelled(app):
    """Sections were grouped by the exact spelling of the holder's name: "Maya Ortiz" and
    "maya ortiz" printed as two organizers. (The stores give one spelling today, both of them;
    the sheet does not count on it.)"""
    from dashboard.exports import NO_ORGANIZER, Sheet, call_sheet

    rows = [{"person": f"p{n}", "name": name, "holder": holder} for n, (name, holder) in
            enumerate([("Ana Lopez", "maya ortiz"), ("Ben Ortiz", "Maya Ortiz"),
                       ("Cam Lee", "Dev Patel"), ("Dee Park", "Maya  Ortiz"),
                       ("Eve Stone", None), ("Fay Wong", "Maya Ortiz")])]
    with app.server.test_request_context("/print/ready"):
        page = call_sheet(Sheet("ready", CAMPAIGN, [("name", "Name")], rows))
    headings = re.findall(r"<h1>Ready to ask — ([^<]+)</h1>", page)
    assert headings == ["Dev Patel", "Maya Ortiz", NO_ORGANIZER]
    maya = page.split("<h1>Ready to ask — Maya Ortiz</h1>")[1].split("</section>")[0]
    assert all(name in maya for name in ("Ana Lopez", "Ben Ortiz", "Dee Park", "Fay Wong"))
    assert "4 contacts" in maya  # shown as most of her rows spell her


def test_an_organizers_my_list_export_is_her_own(app):
    text = _client(app, DEV).get("/download/my-list.csv?organizer=Maya Ortiz").get_data(
        as_text=True)
    assert "Ben Ortiz" not in text


@pytest.mark.parametrize("path", ["follow-ups", "my-list"])
def test_an_organizers_own_list_is_hers_however_her_account_spells_her_name(app, path):
    url = f"/download/{path}.csv?as_of=2026-12-20"
    own = _csv(_client(app, MAYA).get(url).data)
    assert len(own) > 1
    assert _csv(_client(app, MAYA_LOWER).get(url).data) == own
    assert _csv(_client(app, ADMIN).get(url + "&organizer=maya ortiz").data) == own


def test_the_links_carry_the_campaign_and_the_pages_filters(app):
    from dashboard.exports import download_href, filters_query

    q = {**filters_query("Maya Ortiz", "ICU", None), "campaign": CAMPAIGN}
    assert download_href("ready", "xlsx", q) == \
        f"/download/ready.xlsx?organizer=Maya+Ortiz&unit=ICU&campaign={CAMPAIGN}"
    assert download_href("ready", "print", {}) == "/print/ready"
    with signed_in_as(app, MAYA):
        assert "export-links" in str(ready.layout())
    with signed_in_as(app, VIEWER):
        assert "export-links" not in str(ready.layout())


# --- the follow-ups' words: those the page shows its reader, no more --------------------------

MAYAS_ACTION, DEVS_ASSIGNMENT = "come to the Dec 3 meeting", "DEV ASSIGNMENT"
AS_OF = "2026-11-30"


def _follow_up_whats(app, user, fmt: str, organizer: str | None = None) -> str:
    """The list's "What" cells (the call sheet: its page) as ``user`` downloads it."""
    query = f"?as_of={AS_OF}" + (f"&organizer={organizer}" if organizer else "")
    r = _client(app, user).get(f"/print/follow-ups{query}" if fmt == "print"
                               else f"/download/follow-ups.{fmt}{query}")
    assert r.status_code == 200
    if fmt == "print":
        return r.get_data(as_text=True)
    table = _csv(r.data) if fmt == "csv" else _xlsx(r.data)
    return "\n".join(str(row[table[0].index("What")]) for row in table[1:])


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "print"])
def test_the_follow_ups_download_holds_the_words_the_page_shows_its_reader(app, store, fmt):
    """The call sheet and the files said "(commitment)" where Maya's page says "come to the
    Dec 3 meeting": useless to a phone bank. Now each reader gets the words her page shows
    her, and no others: who did not hold the 1-on-1 (a planner, another organizer) gets none."""
    from dashboard.pages import follow_ups
    from tests.test_dashboard_callbacks import text

    store.write([conversation("Dee Park", "2026-11-20", organizer="Dev Patel", unit="ER",
                              follow_up={"assignment": DEVS_ASSIGNMENT, "due": "2026-11-29"})])
    for user, reads in [(MAYA, {MAYAS_ACTION}), (DEV, {DEVS_ASSIGNMENT}),
                        (ADMIN, {MAYAS_ACTION, DEVS_ASSIGNMENT}), (PLANNER, set())]:
        for organizer in (None, "Maya Ortiz", "Dev Patel"):
            with signed_in_as(app, user):
                page = text(follow_ups.update_follow_ups(None, AS_OF, organizer, None, 500))
            got = _follow_up_whats(app, user, fmt, organizer)
            for words in (MAYAS_ACTION, DEVS_ASSIGNMENT):
                assert (words in got) == (words in page), (user.username, organizer, words)
            assert "(commitment)" not in got and "(assignment)" not in got
        every = "".join(_follow_up_whats(app, user, fmt, o) for o in (None, "Dev Patel"))
        assert {w for w in (MAYAS_ACTION, DEVS_ASSIGNMENT) if w in every} == reads, user.username
    sheet = _follow_up_whats(app, MAYA, "print")
    assert f"<strong>Ask:</strong> {MAYAS_ACTION}" in sheet
    # The audit trail says how many rows held someone's words (never which).
    audit = app.server.extensions["mapper_accounts"].audit
    exported = [e for e in audit.entries() if e.action == "list_exported"]
    assert exported[-1].actor == "maya" and exported[-1].detail["words"] == 1
    assert {e.detail["words"] for e in exported if e.actor == "pat"} == {0}


# --- bulk assign -----------------------------------------------------------------------------------

def _assignments(store) -> dict[str, str | None]:
    return {r.body["person"]: r.body.get("organizer")
            for r in store.iter_records(CAMPAIGN, "assignment")}


def _assign(app, user, how, selected=(), to=None, n=5, filters=(None, None, None),
            shape=ready_rows):
    with signed_in_as(app, user):
        return bulk_assign(shape, ["organizer", "unit", "issues"], how,
                           [{"person": f"person:{CAMPAIGN}:{p}"} for p in selected], to, n,
                           list(filters), None)


def test_a_planner_assigns_the_selected_through_the_services(app, store):
    said, wrote = _assign(app, PLANNER, "selected", ["cam lee", "dee park"], "Dev Patel")
    assert wrote and said == "Assigned 2 contacts to Dev Patel."
    assert _assignments(store)["Cam Lee"] == "Dev Patel" and _assignments(store)["Dee Park"] \
        == "Dev Patel"
    rows = {r["name"]: r for r in _screen(app, PLANNER, ready_rows, {"name"})}
    assert rows["Cam Lee"]["assigned_to"] == "Dev Patel"


def test_the_top_n_respects_the_filters_and_skips_the_assigned(app, store):
    said, wrote = _assign(app, ADMIN, "top", to="Dev Patel", n=1, filters=(None, "ER", None))
    assert wrote, said
    er = _screen(app, ADMIN, ready_rows, {"unit"}, unit="ER")
    first_free = [r["name"] for r in er if r["assigned_to"] == "Dev Patel"]
    assert len(first_free) == 1 and first_free[0] == er[0]["name"]
    first_free = first_free[0]
    assert _assignments(store)[first_free] == "Dev Patel"
    assert _assignments(store)["Ben Ortiz"] == "Maya Ortiz"  # held by another: stays
    said, wrote = _assign(app, ADMIN, "top", to="Dev Patel", n=2, shape=talk_rows)
    assert wrote and said.startswith("Assigned 2")


def test_a_planner_is_told_how_many_contacts_moved_from_another_organizer(app, store):
    """Ben was on Maya's list: "Assigned 2" said nothing of taking him from her."""
    said, wrote = _assign(app, PLANNER, "selected", ["ben ortiz", "cam lee"], "Dev Patel")
    assert wrote and said == "Assigned 2 contacts to Dev Patel (1 moved from another organizer)."
    assert _assignments(store)["Ben Ortiz"] == "Dev Patel"
    said, _ = _assign(app, PLANNER, "selected", ["dee park"], "Dev Patel")
    assert said == "Assigned 1 contact to Dev Patel."


@pytest.mark.parametrize("n", [501, 10**9, "100000"])
def test_the_top_n_is_500_at_most_whatever_the_request_says(app, store, n):
    """The page's box stops at 500; a forged request said any number and took every free
    contact of the list."""
    before = _assignments(store)
    for user in (DEV, PLANNER):
        said, wrote = _assign(app, user, "top", to="Dev Patel", n=n)
        assert not wrote and said == "Say how many: a number from 1 to 500."
    assert _assignments(store) == before
    assert _assign(app, DEV, "top", to="Dev Patel", n=500)[1]


def test_a_refusal_is_said_in_the_dashboards_words_not_the_commands(app, store):
    said, wrote = _assign(app, DEV, "selected", ["ben ortiz"], "Dev Patel")
    assert not wrote and said.startswith("Nothing assigned: your role may not") and "--" not in said
    from dashboard.pages import person

    with signed_in_as(app, DEV):
        done = person.act("take", f"person:{CAMPAIGN}:ben ortiz", None)
    assert not done["ok"] and done["message"].startswith("Not done: your role may not")


def test_a_viewer_cannot_assign(app, store):
    before = _assignments(store)
    said, wrote = _assign(app, VIEWER, "selected", ["dee park"], "Dev Patel")
    assert not wrote and "may not" in said and _assignments(store) == before


def test_an_organizer_assigns_only_to_herself_and_only_free_contacts(app, store):
    said, wrote = _assign(app, DEV, "selected", ["cam lee"], "Maya Ortiz")
    assert wrote and _assignments(store)["Cam Lee"] == "Dev Patel"  # to herself, not Maya
    said, wrote = _assign(app, DEV, "selected", ["ben ortiz"], "Dev Patel")
    assert not wrote and said.startswith("Nothing assigned")
    assert _assignments(store)["Ben Ortiz"] == "Maya Ortiz"
    assert "Ben Ortiz" not in said


def test_a_planner_may_give_contacts_to_an_organizer_who_has_none_yet(store):
    """An organizer's account made today, before her first 1-on-1 or contact, was in neither
    "Assign to" list (the Ready and Talk lists', the Person page's): only the organizers the
    campaign's records name were. A deactivated account is offered to no one."""
    import json

    import plotly

    from dashboard.accounts import accounts
    from dashboard.bulk_assign import organizer_choices
    from dashboard.pages import person

    noor = User("noor", "organizer", "Noor Haddad", HASH)
    gone = User("gus", "organizer", "Gus Gone", HASH)
    app = create_app(lambda: store, users={**USERS, "noor": noor, "gus": gone})
    with signed_in_as(app, PLANNER):
        accounts().users.set_active("gus", False)
        choices = organizer_choices(store.snapshot(CAMPAIGN))
        assert "Noor Haddad" in choices and "Dev Patel" in choices and "Gus Gone" not in choices
        # Her account spelling the name of an organizer the records know: offered once.
        assert [c for c in choices if c.casefold() == "maya ortiz"] == ["Maya Ortiz"]
        page = json.dumps(person.render_person(f"person:{CAMPAIGN}:cam lee", None),
                          cls=plotly.utils.PlotlyJSONEncoder)
        assert "Noor Haddad" in page and "Gus Gone" not in page
    said, wrote = _assign(app, PLANNER, "selected", ["cam lee"], "Noor Haddad")
    assert wrote and _assignments(store)["Cam Lee"] == "Noor Haddad"


def test_nothing_selected_or_no_organizer_says_so(app, store):
    assert _assign(app, PLANNER, "selected", [], "Dev Patel") == (
        "Select people with the boxes at the left first (on a phone: the Assign button of a "
        "card).", False)
    assert _assign(app, PLANNER, "selected", ["dee park"], None)[1] is False
    assert _assign(app, PLANNER, "top", to="Dev Patel", n="x")[1] is False


def test_the_follow_ups_and_my_list_links_start_at_an_organizers_own_list(app):
    from dashboard.exports import list_downloads

    with signed_in_as(app, MAYA):
        links = str(list_downloads("my-list"))
        assert "/download/my-list.csv?organizer=Maya+Ortiz" in links
        assert "/print/follow-ups?organizer=Maya+Ortiz" in str(list_downloads("follow-ups"))
    with signed_in_as(app, PLANNER):
        assert "/download/my-list.xlsx'" in str(list_downloads("my-list")).replace('"', "'")
    with signed_in_as(app, VIEWER):  # no link (the filters' store and the links' place only)
        held = str(list_downloads("my-list"))
        assert "/download/" not in held and "/print/" not in held and "href" not in held
    with pytest.raises(ValueError):
        list_downloads("everyone")



@pytest.mark.parametrize("path", PEOPLE_LISTS)
def test_a_download_reads_the_people_it_lists_not_the_whole_campaign(app, store, path,
                                                                     monkeypatch):
    """At a million people a download read the campaign's whole snapshot in the worker (50 s,
    2.4 GB) for its shifts, units and phones: now those of the people it lists alone, and the
    same file as before."""
    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")  # (the kept Talk list served after a write)
    client = _client(app, ADMIN)
    query = "?organizer=Maya%20Ortiz" if path == "my-list" else ""
    before = _csv(client.get(f"/download/{path}.csv{query}").data)
    whole = store.snapshot

    def no_snapshot(campaign):
        raise AssertionError("a whole snapshot read")

    store.snapshot = no_snapshot
    try:
        after = _csv(client.get(f"/download/{path}.csv{query}").data)
    finally:
        store.snapshot = whole
    assert after == before and len(after) > 1
    header = after[0]
    if "Shift" in header:
        assert {"days", "nights"} & {r[header.index("Shift")] for r in after[1:]}
    if path in ("ready", "my-list"):
        assert BEN_DIAL in [r[header.index("Phone")] for r in after[1:]]
