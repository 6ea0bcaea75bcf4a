"""Dashboard callbacks called as plain functions, and the server's sign-in guard (no browser)."""

from __future__ import annotations

import json
import time
import re
from contextlib import contextmanager

import dash
import plotly.utils
import pytest
from flask_login import login_user

from dashboard import ids
from dashboard.app import create_app
from dashboard.grid import page
from dashboard.layout import frame
from dashboard.listing import filter_options, grid_rows
from dashboard.pages import (clusters, follow_ups, overview, person, power, ready, record,
                             talk_next)
from dashboard.tables import ready_rows, talk_rows
from dashboard.users import User, hash_password, load_users, parse_users
from mapper.projection import conversation_key
from mapper.stores.sqlite import SQLiteStore
from tests.records import CAMPAIGN, conversation, small_campaign

PASSWORD = "correct horse battery staple"
HASH = hash_password(PASSWORD)
ADMIN = User("root", "admin", None, HASH)
MAYA = User("maya", "organizer", "Maya Ortiz", HASH)
DEV = User("dev", "organizer", "Dev Patel", HASH)
VIEWER = User("vera", "viewer", None, HASH)
USERS = {u.username: u for u in (ADMIN, MAYA, DEV, VIEWER)}

ANA = f"person:{CAMPAIGN}:ana lopez"
BEN = f"person:{CAMPAIGN}:ben ortiz"
STAFFING = f"issue:{CAMPAIGN}:short staffing"
# Everything personal in the records below; none of it may reach a viewer.
PERSONAL = ["SECRET", "secret-email", "5550100", "DEV STORY", "DEV NOTES"]
CONTACTS = ["Ana Lopez", "Cam Lee", "Ben Ortiz", "Dee Park"]


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, open_store_of_kind):
    """Every callback test runs on the embedded store and on Neo4j."""
    s = open_store_of_kind(request.param)
    s.write(small_campaign() + [
        conversation("Ben Ortiz", "2026-11-18", organizer="Dev Patel",
                     issues=[{"issue": "short staffing", "anger": 4, "story": "DEV STORY"}],
                     ask={"asked": True, "action": "sign the petition", "response": "yes"},
                     notes="DEV NOTES", assessment=2),
    ])
    return s


@pytest.fixture
def app(store):
    return create_app(lambda: store, users=USERS)


@contextmanager
def signed_in_as(app, user: User):
    with app.server.test_request_context("/_dash-update-component", method="POST"):
        login_user(user)
        yield


def text(value) -> str:
    """A callback's answer as the JSON the browser would get."""
    return json.dumps(value, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def every_view(store) -> str:
    """Every callback and page layout of the dashboard, as one JSON text."""
    out = [frame()]
    for module in (overview, clusters, power, ready, talk_next, follow_ups, record):
        out.append(module.layout())
    out.append(person.layout(key=ANA))
    out.append(overview.update_overview(None, "0.6667"))
    out.append(clusters.update_clusters(None, "3"))
    out.append(clusters.issue_people({"id": STAFFING}, None, "3"))
    out.append(power.update_power(None, None))
    out.append(power.update_power(None, STAFFING))
    for dm in ("carl reyes", "ivy chen"):
        out.append(power.dm_detail({"id": f"dm:{CAMPAIGN}:{dm}", "kind": "decision_maker"}, None))
    request = {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}
    out.append(grid_rows(ready_rows, {c["field"] for c in ready.COLUMNS}, request, None))
    out.append(grid_rows(talk_rows, {c["field"] for c in talk_next.COLUMNS}, request, None))
    out.append(filter_options(ready_rows, ["organizer", "unit", "issues"], None))
    out.append(talk_next.leaders(None))
    out += [clusters.clusters_age(None, "3"), power.power_age(None), talk_next.talk_age(None)]
    out.append(follow_ups.update_follow_ups(None, "2026-11-30", None))
    out.append(person.render_person(ANA, None))
    out.append(person.search("ana", None))
    return text(out)


def test_a_viewer_gets_aggregates_without_personal_details_or_contact_names(app, store):
    with signed_in_as(app, VIEWER):
        seen = every_view(store)
    for secret in PERSONAL + CONTACTS:
        assert secret not in seen
    # ...while the aggregates are there: issues and the decision makers who can fix them.
    assert "short staffing" in seen and "Carl Reyes" in seen


def test_an_organizer_sees_stories_of_their_own_contacts_only(app):
    with signed_in_as(app, MAYA):
        ana = text(person.render_person(ANA, None))
        ben = text(person.render_person(BEN, None))
    assert "SECRET STORY" in ana and "SECRET NOTES" in ana and "5550100" in ana
    assert "SECRET REFERRAL NOTE" in ana
    assert "Ben Ortiz" in ben and "short staffing" in ben  # his history, without the personal
    assert "sign the petition" not in ben  # the action Dev asked is Dev's to see
    assert "DEV STORY" not in ben and "DEV NOTES" not in ben and "5550100" not in ben

    with signed_in_as(app, DEV):
        ana = text(person.render_person(ANA, None))
        ben = text(person.render_person(BEN, None))
    assert "short staffing" in ana
    for secret in ("SECRET", "5550100", "secret-email"):
        assert secret not in ana
    assert "DEV STORY" in ben and "DEV NOTES" in ben


def test_an_admin_sees_every_personal_detail(app):
    with signed_in_as(app, ADMIN):
        ana = text(person.render_person(ANA, None))
        ben = text(person.render_person(BEN, None))
    assert "SECRET STORY" in ana and "DEV STORY" in ben


def test_organizers_see_people_lists_and_viewers_do_not(app):
    request = {"startRow": 0, "endRow": 50}
    fields = {c["field"] for c in ready.COLUMNS}
    with signed_in_as(app, MAYA):
        block, count = grid_rows(ready_rows, fields, request, None)
    assert [r["name"] for r in block["rowData"]] == ["Cam Lee"] and count == "1 person"
    with signed_in_as(app, VIEWER):
        block, _ = grid_rows(ready_rows, fields, request, None)
    assert block == {"rowData": [], "rowCount": 0}


def _form(**values):
    """The form's inputs as the save callback receives them (ids, values, error slots)."""
    layout = record.layout()
    fields, errors = [], []

    def walk(component):
        cid = getattr(component, "id", None)
        if isinstance(cid, dict) and cid.get("type") == ids.FORM_FIELD:
            fields.append(cid)
        if isinstance(cid, dict) and cid.get("type") == ids.FORM_ERROR:
            errors.append(cid)
        children = getattr(component, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and hasattr(child, "to_plotly_json"):
                walk(child)
    walk(layout)
    vals = [values.get(f["field"], "") for f in fields]
    return fields, vals, errors


def test_a_bad_anger_shows_its_error_next_to_the_field_and_writes_nothing(app, store):
    before = (store.version(), store.counts(CAMPAIGN)["records"])
    with signed_in_as(app, MAYA):
        fields, values, errors = _form(**{"date": "2026-11-25", "contact.name": "Eve Stone",
                                          "issues.0.issue": "parking", "issues.0.anger": 9})
        messages, status, _ = record.save_record(1, fields, values, errors, CAMPAIGN, CAMPAIGN)
    placed = {e["field"]: m for e, m in zip(errors, messages) if m is not None}
    assert list(placed) == ["issues.0.anger"]
    assert "less than or equal to 5" in text(placed["issues.0.anger"])
    assert "Not saved" in text(status)
    assert (store.version(), store.counts(CAMPAIGN)["records"]) == before


def test_an_error_in_a_later_row_lands_on_that_row(app, store):
    with signed_in_as(app, MAYA):
        fields, values, errors = _form(**{"date": "2026-11-25", "contact.name": "Eve Stone",
                                          "issues.2.issue": "parking", "issues.2.anger": -1})
        messages, _, _ = record.save_record(1, fields, values, errors, CAMPAIGN, CAMPAIGN)
    assert [e["field"] for e, m in zip(errors, messages) if m] == ["issues.2.anger"]


def test_a_good_form_writes_one_record_as_the_signed_in_organizer(app, store):
    before = store.counts(CAMPAIGN)["records"]["conversation"]
    with signed_in_as(app, MAYA):
        fields, values, errors = _form(**{
            "date": "2026-11-25", "organizer": "Someone Else", "contact.name": "Eve Stone",
            "contact.unit": "ER", "issues.0.issue": "parking", "issues.0.anger": 4,
            "issues.0.story": "EVE STORY", "issues.0.witnessed_harm": "true",
            "ask.asked": "true", "ask.response": "maybe", "ask.fears": "retaliation, status",
            "self_care.tools_offered": ["breathing"], "assessment": "2",
            "referrals.1.name": "Fay Gold"})
        messages, status, cleared = record.save_record(1, fields, values, errors, "", CAMPAIGN)
    assert not any(messages)
    assert "saved" in text(status)
    assert store.counts(CAMPAIGN)["records"]["conversation"] == before + 1
    [saved] = store.person_history(CAMPAIGN, "Eve Stone")
    assert saved.organizer == "Maya Ortiz"
    assert saved.issues[0].anger == 4 and saved.issues[0].witnessed_harm is True
    assert saved.ask.fears == ["retaliation", "status"] and saved.referrals[0].name == "Fay Gold"
    # The views read the new store version: Eve is in the ready-to-ask list at once.
    with signed_in_as(app, MAYA):
        block, _ = grid_rows(ready_rows, {c["field"] for c in ready.COLUMNS},
                             {"startRow": 0, "endRow": 100}, None)
    assert "Eve Stone" in [r["name"] for r in block["rowData"]]
    assert cleared[[f["field"] for f in fields].index("contact.name")] == ""


def test_a_viewer_cannot_record(app, store):
    before = store.version()
    with signed_in_as(app, VIEWER):
        fields, values, errors = _form(**{"date": "2026-11-25", "contact.name": "Eve Stone"})
        _, status, _ = record.save_record(1, fields, values, errors, "", CAMPAIGN)
    assert "may not record" in text(status)
    assert store.version() == before


# --- the server: every route behind sign-in ---------------------------------------------------

def _sign_in(client, username: str, password: str = PASSWORD):
    page_ = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page_).group(1)
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token, "next": "/"})


@pytest.mark.parametrize("path", ["/", "/person", "/_dash-layout", "/_dash-dependencies",
                                  "/assets/style.css"])
def test_every_route_needs_sign_in(app, path):
    r = app.server.test_client().get(path)
    assert r.status_code in (302, 401)
    if r.status_code == 302:
        assert r.headers["Location"].startswith("/login")


def test_callbacks_refuse_a_request_without_sign_in(app):
    r = app.server.test_client().post("/_dash-update-component", json={})
    assert r.status_code == 401


def test_a_wrong_password_does_not_sign_in(app):
    client = app.server.test_client()
    assert _sign_in(client, "maya", "nope").status_code == 401
    assert client.get("/_dash-layout").status_code == 401


def test_sign_in_needs_the_forms_token(app):
    client = app.server.test_client()
    client.get("/login")
    r = client.post("/login", data={"username": "maya", "password": PASSWORD})
    assert r.status_code == 401


def test_a_viewers_callback_responses_over_http_hold_no_personal_detail(app):
    client = app.server.test_client()
    assert _sign_in(client, "vera").status_code == 302
    assert client.get("/_dash-layout").status_code == 200
    body = {"output": f"{ids.PERSON_BODY}.children",
            "outputs": {"id": ids.PERSON_BODY, "property": "children"},
            "inputs": [{"id": ids.PERSON_KEY, "property": "data", "value": ANA},
                       {"id": ids.CAMPAIGN, "property": "data", "value": None}],
            "changedPropIds": [f"{ids.PERSON_KEY}.data"], "state": []}
    r = client.post("/_dash-update-component", json=body)
    assert r.status_code == 200
    answer = r.get_data(as_text=True)
    assert "organizers and admins" in answer
    for secret in PERSONAL + CONTACTS:
        assert secret not in answer


def test_an_organizers_http_response_carries_their_own_contacts_story(app):
    client = app.server.test_client()
    _sign_in(client, "maya")
    body = {"output": f"{ids.PERSON_BODY}.children",
            "outputs": {"id": ids.PERSON_BODY, "property": "children"},
            "inputs": [{"id": ids.PERSON_KEY, "property": "data", "value": ANA},
                       {"id": ids.CAMPAIGN, "property": "data", "value": None}],
            "changedPropIds": [f"{ids.PERSON_KEY}.data"], "state": []}
    answer = client.post("/_dash-update-component", json=body).get_data(as_text=True)
    assert "SECRET STORY" in answer


def test_a_post_from_another_site_is_refused(app):
    client = app.server.test_client()
    _sign_in(client, "maya")
    r = client.post("/_dash-update-component", json={}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403


def test_the_demo_signs_in_by_itself_and_says_so(store):
    from dashboard.app import DEMO_USER

    client = create_app(lambda: store, users={}, demo_user=DEMO_USER).server.test_client()
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "Demo mode" in layout and "demo admin" in layout


# --- users file, paging -------------------------------------------------------------------------

def test_users_load_from_yaml_and_toml(tmp_path):
    (tmp_path / "users.yaml").write_text(
        f"users:\n  - {{username: maya, password_hash: '{HASH}', role: organizer, organizer: Maya Ortiz}}\n"
        f"  - {{username: vera, password_hash: '{HASH}', role: viewer}}\n")
    (tmp_path / "users.toml").write_text(
        f'[[users]]\nusername = "root"\npassword_hash = "{HASH}"\nrole = "admin"\n')
    assert load_users(tmp_path / "users.yaml")["maya"].organizer == "Maya Ortiz"
    assert load_users(tmp_path / "users.toml")["root"].role == "admin"


@pytest.mark.parametrize("entry, message", [
    ({"username": "x", "password_hash": HASH, "role": "boss"}, "role must be one of"),
    ({"username": "x", "password_hash": "plain", "role": "viewer"}, "werkzeug hash"),
    ({"username": "x", "password_hash": HASH, "role": "organizer"}, "needs `organizer:`"),
])
def test_a_bad_users_entry_is_named(entry, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_users({"users": [entry]})


def test_the_grid_gets_one_block_and_the_count_of_what_the_filters_leave():
    rows = [{"person": str(i), "name": f"P{i:05d}", "unit": "ICU" if i % 2 else "ER", "score": i}
            for i in range(100_000)]
    block = page(rows, {"startRow": 200, "endRow": 300,
                        "sortModel": [{"colId": "score", "sort": "desc"}],
                        "filterModel": {"unit": {"filterType": "text", "type": "equals",
                                                 "filter": "er"}}})
    assert block["rowCount"] == 50_000 and len(block["rowData"]) == 100
    assert block["rowData"][0]["score"] == 99_998 - 400
    # A request cannot sort or filter on a column the page does not show.
    assert page(rows, {"startRow": 0, "endRow": 5, "filterModel": {"secret": {"filter": "x"}}},
                {"name", "unit"})["rowCount"] == 100_000


def test_the_campaign_selector_shows_only_when_the_store_holds_several(app, store):
    from dashboard.layout import choose_campaign, fill_campaigns

    with signed_in_as(app, VIEWER):
        options, value, style = fill_campaigns("/", None)
    assert [o["value"] for o in options] == [CAMPAIGN] and style == {"display": "none"}
    store.write([conversation("Zed Ray", campaign="another-campaign")])
    with signed_in_as(app, VIEWER):
        options, value, style = fill_campaigns("/", "another-campaign")
        assert value == "another-campaign" and style == {}
        assert choose_campaign(CAMPAIGN, "another-campaign") == CAMPAIGN
        # No choice yet means the first campaign: choosing it changes nothing (no re-run).
        assert choose_campaign("another-campaign", None) is dash.no_update
        # Each page follows the choice: another campaign, other numbers.
    with signed_in_as(app, MAYA):
        block, _ = grid_rows(ready_rows, {c["field"] for c in ready.COLUMNS},
                             {"startRow": 0, "endRow": 50}, "another-campaign")
    assert [r["name"] for r in block["rowData"]] == ["Zed Ray"]


def test_an_empty_store_shows_how_to_start_on_every_page(tmp_path):
    empty = SQLiteStore(tmp_path / "empty.db")
    app = create_app(lambda: empty, users=USERS)
    with signed_in_as(app, ADMIN):
        seen = every_view(empty)
    assert "mapper import" in seen
    empty.close()


def test_the_dashboard_will_not_start_without_anyone_to_sign_in(tmp_path, monkeypatch, capsys):
    from dashboard.app import serve

    monkeypatch.delenv("MAPPER_USERS", raising=False)
    with pytest.raises(SystemExit) as stop:
        serve(db=str(tmp_path / "x.db"))
    assert stop.value.code == 2
    assert "MAPPER_USERS" in capsys.readouterr().err


# --- confidentiality between organizers, and hardening ------------------------------------------

HELD_BY_MAYA = ["the back stairwell", "come to the Dec 3 meeting", "log a short shift",
                "retaliation", " · witnessed harm"]


def _maya_talks_to_ben_again(store):
    store.write([conversation("Ben Ortiz", "2026-11-19", space={"setting": "the back stairwell"},
                              issues=[{"issue": "harassment", "anger": 5,
                                       "witnessed_harm": True}])])


def test_an_organizer_sees_no_free_text_of_anothers_conversation(app, store):
    _maya_talks_to_ben_again(store)
    with signed_in_as(app, DEV):
        ana = text(person.render_person(ANA, None))
        ben = text(person.render_person(BEN, None))
    for secret in HELD_BY_MAYA:
        assert secret not in ana + ben, secret
    assert "short staffing" in ana and "harassment" in ben  # the history itself is there
    assert "sign the petition" in ben  # Dev's own ask
    for user in (MAYA, ADMIN):
        with signed_in_as(app, user):
            seen = text([person.render_person(ANA, None), person.render_person(BEN, None)])
        for secret in HELD_BY_MAYA:
            assert secret in seen, (user.username, secret)


def test_follow_ups_show_the_text_only_to_who_held_the_conversation(app, store):
    store.write([conversation("Dee Park", "2026-11-20", organizer="Dev Patel", unit="ER",
                              follow_up={"assignment": "DEV ASSIGNMENT", "due": "2026-11-29"})])
    seen = {}
    for user in (MAYA, DEV, ADMIN):
        with signed_in_as(app, user):
            seen[user.username] = text([follow_ups.update_follow_ups(None, "2026-11-30", org)
                                        for org in (None, "Maya Ortiz", "Dev Patel")])
    assert "come to the Dec 3 meeting" in seen["maya"] and "DEV ASSIGNMENT" not in seen["maya"]
    assert "DEV ASSIGNMENT" in seen["dev"] and "come to the Dec 3 meeting" not in seen["dev"]
    assert follow_ups.NOT_YOURS in seen["maya"] and follow_ups.NOT_YOURS in seen["dev"]
    assert "Dee Park" in seen["maya"]  # who and when is shown; the words are not
    assert "DEV ASSIGNMENT" in seen["root"] and "come to the Dec 3 meeting" in seen["root"]
    assert follow_ups.NOT_YOURS not in seen["root"]


def test_the_follow_ups_page_counts_no_shared_actions(app, store, monkeypatch):
    # The page reads its reader's own words from the records of the items it draws: the
    # campaign's shared actions (every "yes" of the campaign and its words, 4.6 s at a million
    # people after each write) are read for nothing. The same page without them.
    store.write([conversation("Dee Park", "2026-11-20", organizer="Dev Patel", unit="ER",
                              follow_up={"assignment": "DEV ASSIGNMENT", "due": "2026-11-29"})])
    before = {}
    for user in (MAYA, ADMIN):
        with signed_in_as(app, user):
            before[user.username] = text(follow_ups.update_follow_ups(None, "2026-11-30", None))

    def refused(*_args, **_kwargs):
        raise AssertionError("the campaign's shared actions counted for the follow-ups page")

    monkeypatch.setattr(store, "shared_actions", refused)
    store.write([conversation("Cam Lee", "2026-11-21", organizer="Maya Ortiz")])  # anew
    for user in (MAYA, ADMIN):
        with signed_in_as(app, user):
            seen = text(follow_ups.update_follow_ups(None, "2026-11-30", None))
        assert seen == before[user.username], user.username
    assert "come to the Dec 3 meeting" in before["root"] and "DEV ASSIGNMENT" in before["root"]


def test_a_commitment_made_to_one_organizer_stays_theirs_after_another_talks(app, store):
    # Dev talks to Ana after Maya's ask: the item moves to Dev, its words do not.
    store.write([conversation("Ana Lopez", "2026-11-20", organizer="Dev Patel")])
    with signed_in_as(app, DEV):
        seen = text(follow_ups.update_follow_ups(None, "2026-11-30", "Dev Patel"))
    assert "Ana Lopez" in seen and "come to the Dec 3 meeting" not in seen


def _save(app, user, extra_ids=(), **values):
    with signed_in_as(app, user):
        fields, vals, errors = _form(**values)
        for path, value in extra_ids:
            fields.append({"type": ids.FORM_FIELD, "field": path})
            vals.append(value)
        return record.save_record(1, fields, vals, errors, CAMPAIGN, CAMPAIGN)


def test_the_form_refuses_an_id_or_a_field_it_does_not_have(app, store):
    before = store.version()
    for extra in (("id", "2026-11-01-ana-lopez"), ("contact.secret", "x"), ("issues.x.story", "y")):
        _, status, _ = _save(app, DEV, [extra], **{"date": "2026-11-26", "contact.name": "Eve"})
        assert "Could not save" in text(status)
    assert store.version() == before


def test_an_organizer_cannot_overwrite_anothers_conversation(app, store):
    """The form derives the id from the date and the name: Dev's 1-on-1 with Ana the day
    Maya held hers was refused, which kept him from recording it and told him someone had
    talked with her that day. Now it is his own record, kept apart from hers (its id adds his
    name) and said as any first save is; saving it again replaces his, never hers. Hers named
    by its id (a correction) is still refused."""
    maya_id, dev_id = "2026-11-01-ana-lopez", "2026-11-01-ana-lopez-dev-patel"
    answers = []
    for notes in ("HIS NOTES", "HIS NOTES, CORRECTED"):
        _, status, _ = _save(app, DEV, **{"date": "2026-11-01", "contact.name": "Ana Lopez",
                                          "notes": notes})
        answers.append(text(status))
    assert "saved" in answers[0] and "updated" in answers[1]
    assert "Maya" not in answers[0] and "exist" not in answers[0]
    # The answer a first 1-on-1 with her on a day no one else talked with her gets.
    _, alone, _ = _save(app, DEV, **{"date": "2026-11-02", "contact.name": "Ana Lopez",
                                     "notes": "x"})
    assert answers[0] == text(alone)
    before = store.version()
    with signed_in_as(app, DEV):
        fields, vals, errors = _form(**{"date": "2026-11-01", "contact.name": "Ana Lopez",
                                        "notes": "TAKEN OVER"})
        _, status, _ = record.save_record(1, fields, vals, errors, CAMPAIGN, CAMPAIGN, maya_id)
    assert record.REFUSED in text(status) and "Maya" not in text(status)
    assert store.version() == before
    kept = {r.id: (r.body["organizer"], r.body["notes"]) for r in store.get_records(
        [conversation_key(CAMPAIGN, i) for i in (maya_id, dev_id)])}
    assert kept == {conversation_key(CAMPAIGN, maya_id): ("Maya Ortiz", "SECRET NOTES"),
                    conversation_key(CAMPAIGN, dev_id): ("Dev Patel", "HIS NOTES, CORRECTED")}


def test_an_organizer_may_resave_their_own_and_an_admin_anyones(app, store):
    _, status, _ = _save(app, MAYA, **{"date": "2026-11-01", "contact.name": "Ana Lopez",
                                       "notes": "CORRECTED"})
    assert "updated" in text(status)
    [rec] = store.get_records([conversation_key(CAMPAIGN, "2026-11-01-ana-lopez")])
    assert rec.body["notes"] == "CORRECTED" and rec.body["organizer"] == "Maya Ortiz"
    _, status, _ = _save(app, ADMIN, **{"date": "2026-11-18", "organizer": "Dev Patel",
                                        "contact.name": "Ben Ortiz", "notes": "ADMIN FIX"})
    assert "updated" in text(status)
    [rec] = store.get_records([conversation_key(CAMPAIGN, "2026-11-18-ben-ortiz")])
    assert rec.body["notes"] == "ADMIN FIX"


def test_a_viewers_heat_map_hides_cells_of_fewer_than_three_people(app):
    def cells(user):
        with signed_in_as(app, user):
            figure = clusters.update_clusters(None, "3")[-1]
        return [c for row in figure.data[0].z for c in row]

    assert 2 in cells(MAYA)  # two angry about short staffing in the ICU
    assert not [c for c in cells(VIEWER) if c is not None and c < clusters.MIN_CELL]


def test_a_viewers_cluster_and_bridging_tables_hide_unit_counts_under_three(app):
    def unit_badges(user):
        with signed_in_as(app, user):
            _, _, _, cluster_div, bridges_div, heat = clusters.update_clusters(None, "3")
        units = set(heat.data[0].y)
        badges = re.findall(r'"([^"]+) · (<?\d+)"', text(cluster_div) + text(bridges_div))
        return [count for label, count in badges if label in units]

    assert {"1", "2"} & set(unit_badges(MAYA))  # small units show their counts to organizers
    viewer = unit_badges(VIEWER)
    assert viewer and all(c.startswith("<") or int(c) >= clusters.MIN_CELL for c in viewer)


def test_failed_sign_ins_lock_the_username_and_address_for_a_while(app):
    throttle = app.server.extensions["mapper_login_throttle"]
    now = [1000.0]
    throttle.clock = lambda: now[0]
    client = app.server.test_client()
    for _ in range(5):
        assert _sign_in(client, "maya", "nope").status_code == 401
    r = _sign_in(client, "maya")  # the right password, too late
    assert r.status_code == 429 and "Too many" in r.get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 401
    assert _sign_in(app.server.test_client(), "dev").status_code == 302  # others are not locked
    now[0] += 61
    assert _sign_in(client, "maya").status_code == 302


def test_session_cookies_are_secure_when_asked(store, monkeypatch):
    monkeypatch.setenv("MAPPER_SECURE_COOKIES", "1")
    app = create_app(lambda: store, users=USERS)
    assert app.server.config["SESSION_COOKIE_SECURE"] is True
    client = app.server.test_client()
    r = _sign_in(client, "maya")
    assert "Secure" in r.headers.get("Set-Cookie", "")


@pytest.fixture
def no_run(monkeypatch, tmp_path):
    """``serve`` up to the point it would listen; the werkzeug logger's level restored after."""
    import logging

    runs = []
    monkeypatch.setattr(dash.Dash, "run", lambda self, **kw: runs.append(kw))
    users = tmp_path / "users.yaml"
    users.write_text(f"users:\n  - {{username: vera, password_hash: '{HASH}', role: viewer}}\n")
    monkeypatch.setenv("MAPPER_USERS", str(users))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    log = logging.getLogger("werkzeug")
    level = log.level
    yield runs
    log.setLevel(level)


def test_serve_keeps_request_urls_with_names_out_of_the_log(no_run, tmp_path):
    import logging

    from dashboard.app import serve

    logging.getLogger("werkzeug").setLevel(logging.NOTSET)
    serve(db=str(tmp_path / "x.db"))
    # Its own level: the root's WARNING would otherwise hide that werkzeug itself sets INFO
    # when it finds the level unset, and logs every request's URL.
    assert no_run and logging.getLogger("werkzeug").level >= logging.WARNING


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_the_demo_refuses_to_listen_beyond_this_machine(no_run, tmp_path, host):
    from dashboard.app import serve

    with pytest.raises(SystemExit) as stop:
        serve(db=str(tmp_path / "x.db"), host=host, demo=True)
    assert "demo" in str(stop.value.code) and host in str(stop.value.code)
    assert not no_run


def test_the_demo_runs_on_this_machine(no_run, tmp_path):
    from dashboard.app import serve

    serve(db=str(tmp_path / "x.db"), host="127.0.0.1", demo=True)
    assert no_run and no_run[0]["host"] == "127.0.0.1"


def test_whole_graph_pages_say_how_old_their_answer_is(app, store, monkeypatch):
    """Clusters, power and talk-next show "Updated just now", then after a write the stale
    answer's time and age until it is refreshed (or past the bound, computed again)."""
    import datetime as dt

    from mapper import clock

    t0 = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone.utc)
    now = [t0]
    monkeypatch.setattr(clock, "now", lambda: now[0])
    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    monkeypatch.setenv("MAPPER_ANSWER_REFRESH", "0")  # no background thread: deterministic
    # (The power map's rankings are as of the last write: its age line says what is kept.)
    kept = ("Who is named for what: as of the last 1-on-1. Chains, people affected and "
            "trusted paths: ")

    def power_age() -> str:
        words = power.power_age(None)
        assert words.startswith(kept)
        words = words[len(kept):]
        return words[0].upper() + words[1:]

    ages = [lambda: clusters.clusters_age(None, "3"), power_age,
            lambda: talk_next.talk_age(None)]
    with signed_in_as(app, MAYA):
        assert [age() for age in ages] == ["Updated just now."] * 3
        store.write([conversation("Eve Stone", "2026-11-21", unit="ER")])
        now[0] = t0 + dt.timedelta(minutes=3)
        when = t0.astimezone().strftime("%H:%M")
        assert [age() for age in ages] == [f"As of {when} (3 min ago)."] * 3
        now[0] = t0 + dt.timedelta(minutes=11)  # past the bound: computed now
        assert [age() for age in ages] == ["Updated just now."] * 3
    with signed_in_as(app, VIEWER):  # a viewer sees no list of people, nor its age
        assert talk_next.talk_age(None) is None
        assert clusters.clusters_age(None, "3") == "Updated just now."


def test_a_whole_graph_pages_age_is_since_its_answer_was_last_the_stores(app, store,
                                                                         monkeypatch):
    """Computed an hour ago and current since, an answer is not "1 hour ago"; after a write,
    its age counts from that write (the store stamps it), not from its computation."""
    import datetime as dt

    from mapper import clock

    t0 = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone.utc)
    now = [t0]
    monkeypatch.setattr(clock, "now", lambda: now[0])
    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    monkeypatch.setenv("MAPPER_ANSWER_REFRESH", "0")  # no background thread: deterministic
    with signed_in_as(app, MAYA):
        assert clusters.clusters_age(None, "3") == "Updated just now."
        now[0] = t0 + dt.timedelta(hours=1)  # nothing written: still the store's
        assert clusters.clusters_age(None, "3") == "Updated just now."
        store.write([conversation("Eve Stone", "2026-11-21", unit="ER")])
        now[0] = t0 + dt.timedelta(hours=1, minutes=3)
        when = (t0 + dt.timedelta(hours=1)).astimezone().strftime("%H:%M")
        assert clusters.clusters_age(None, "3") == f"As of {when} (3 min ago)."


def test_the_ready_lists_first_block_is_read_from_the_kept_rankings_head(app, store,
                                                                         monkeypatch):
    """A process holding none of the Ready list's rows draws its first block from the head of
    the kept ranking, every row not made first (1.6 s at a million people); it is the block
    the whole list gives, before a write and after, and so are the filters' choices, from the
    counts kept with it; a later block (or a filter) reads the whole list as before."""
    from dashboard.services import services

    fields = {c["field"] for c in ready.COLUMNS}
    first, later = {"startRow": 0, "endRow": 2}, {"startRow": 1, "endRow": 3}
    store.write([conversation(f"Pat Doe {n}", f"2026-11-1{n}", id=f"pat-{n}", assessment=2,
                              unit="ICU" if n % 2 else "ER",
                              issues=[{"issue": "short staffing", "anger": 3 + n % 3}])
                 for n in range(5)])
    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")  # (a write since: merged into it)
    with signed_in_as(app, ADMIN):
        held = lambda: services().analytics.holds(ready_rows, campaign=CAMPAIGN)  # noqa: E731
        # The head path reads a kept ranking only; none kept, the whole list ranks it.
        assert grid_rows(ready_rows, fields, first, None)[0]["rowCount"] > 2 and held()
        services().analytics.clear()
        counts = []
        for records in ([], [conversation("Newt Hale", "2026-11-19", id="newt", assessment=1,
                                          issues=[{"issue": "parking", "anger": 5}])]):
            store.write(records) if records else None
            head = grid_rows(ready_rows, fields, first, None)
            offered = filter_options(ready_rows, ["unit", "organizer", "issues"], None)
            assert not held()  # (nothing of the whole list made, for either)
            assert head[0]["rowCount"] > 2 and head[0]["rowData"][0]["reasons"]
            grid_rows(ready_rows, fields, later, None)
            assert held()
            assert grid_rows(ready_rows, fields, first, None) == head
            assert filter_options(ready_rows, ["unit", "organizer", "issues"], None) == offered
            counts.append(head[0]["rowCount"])
        assert counts[1] == counts[0] + 1  # (Newt Hale: in the list at once)
        assert {"label": "parking", "value": "parking"} in offered[2]  # (and his issue)
        filtered = grid_rows(ready_rows, fields, {**first, "filterModel": {"unit": {
            "filterType": "text", "type": "equals", "filter": "ICU"}}}, None)
        assert {r["unit"] for r in filtered[0]["rowData"]} == {"ICU"}


def test_the_power_pages_age_line_is_that_of_the_answer_its_table_was_read_from(
        app, store, monkeypatch):
    """The table and its age line were two requests, each reading the kept power map: a keep
    landing between them (another worker's refresher) put "updated just now" over a table
    minutes old. The line now comes with the table, said of what it was read from."""
    import datetime as dt

    from mapper import clock
    from mapper.analytics import power_map
    from mapper.analytics.cached import Analytics
    from mapper.analytics.texts import WithCampaignTexts

    t0 = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone.utc)
    now = [t0]
    monkeypatch.setattr(clock, "now", lambda: now[0])
    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    monkeypatch.setenv("MAPPER_ANSWER_REFRESH", "0")  # (the other worker's refresher below)
    with signed_in_as(app, ADMIN):
        assert power.update_power_page(None, None)[-1].endswith("updated just now.")
        store.write([conversation(f"Nurse {i}", "2026-11-20", id=f"nurse-{i}", issues=[
            {"issue": "short staffing", "anger": 5}], responsibility={"named": [
                {"issue": "short staffing", "decision_maker": {"name": "Carl Reyes"}}]})
            for i in range(3)])
        now[0] = t0 + dt.timedelta(minutes=9)
        *_, line = power.update_power_page(None, None)
        # Another worker's refresher keeps a fresh one just after.
        Analytics(WithCampaignTexts(store), campaign=CAMPAIGN, answers=store,
                  now=lambda: now[0]).refresh(power_map)
        assert power.power_age(None).endswith("updated just now.")  # (a read of its own)
    assert line.endswith(f"as of {t0.astimezone().strftime('%H:%M')} (9 min ago).")
    # One request draws the table and says its age: no callback of its own for the line.
    (drawn,) = [k for k in app.callback_map if f"{ids.POWER_AGE}.children" in k]
    assert f"{ids.POWER_PATHS}.children" in drawn


def test_a_ready_page_opened_with_no_ranking_kept_ranks_the_campaign_once(app, store,
                                                                          monkeypatch):
    """Its first block and its filters' choices are asked at once: with no ranking kept (a
    new store, after a forget, or one stale past the bound) the first block's head path
    ranked the campaign whole beside the filters' build of the whole list (twice per worker:
    at a million people 20 s and gigabytes each). The head path reads a kept ranking only."""
    import threading

    from mapper import readmodel

    monkeypatch.setenv("MAPPER_ANSWER_LAG", "0")
    ranked, make = [], readmodel.AskRanking.__init__

    def slow(self, *args, **kwargs):  # (a large campaign: ranking takes a while)
        ranked.append(threading.current_thread().name)
        time.sleep(0.4)
        make(self, *args, **kwargs)
    monkeypatch.setattr(readmodel.AskRanking, "__init__", slow)
    fields = {c["field"] for c in ready.COLUMNS}
    out = {}

    def call(name, ask) -> None:
        with signed_in_as(app, ADMIN):
            out[name] = ask()
    calls = [threading.Thread(target=call, name="block", args=("block", lambda: grid_rows(
                 ready_rows, fields, {"startRow": 0, "endRow": 25}, None))),
             threading.Thread(target=call, name="choices", args=("choices", lambda: filter_options(
                 ready_rows, ["unit", "organizer", "issues"], None)))]
    for c in calls:
        c.start()
    for c in calls:
        c.join(60)
    assert len(ranked) == 1, ranked
    assert out["block"][0]["rowData"] and out["choices"][0]


def test_an_organizer_on_the_roster_is_shown_among_the_leaders_as_one(app, store):
    from tests.records import roster, tie

    store.write([roster("Maya Ortiz")] + [tie("Maya Ortiz", n) for n in CONTACTS])
    with signed_in_as(app, ADMIN):
        shown = text(talk_next.leaders(None))
        rows = grid_rows(talk_rows, {c["field"] for c in talk_next.COLUMNS},
                         {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}},
                         None)
    cells = re.findall(r'"children": "([^"]*)"', shown)
    assert cells[cells.index("Maya Ortiz"):][:4] == ["Maya Ortiz", "ICU", "organizer", "yes"]
    assert "Maya Ortiz" not in [r["name"] for r in rows[0]["rowData"]]


def test_a_coworker_whose_messenger_is_an_organizer_is_on_her_talk_list() -> None:
    from mapper.analytics.examples import CampaignBuilder

    b = CampaignBuilder("c")
    b.person("Maya Ortiz")
    b.talk("Ana", "2026-11-01", organizer="Maya Ortiz")
    b.talk("Dee", "2026-11-01", organizer="Dev Patel")
    b.tie("Maya Ortiz", "Ben")
    b.tie("Dee", "Cy")
    rows = {r["name"]: r for r in talk_rows(b.snapshot())}
    assert (rows["Ben"]["messenger"], rows["Ben"]["organizer"]) == (
        "Maya Ortiz (committed)", "Maya Ortiz")
    assert (rows["Cy"]["messenger"], rows["Cy"]["organizer"]) == ("Dee", "Dev Patel")
