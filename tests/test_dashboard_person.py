"""The Person page and the Record page's prefill and correction, called as plain functions."""

from __future__ import annotations

import datetime as dt
import json
import re
from contextlib import contextmanager
from urllib.parse import parse_qs, urlparse

import plotly.utils
import pytest
from flask_login import login_user

from dashboard import ids
from dashboard.app import create_app
from dashboard.pages import person, record
from dashboard.users import User, hash_password
from mapper.models import Assignment, OneOnOne, Update
from mapper.projection import conversation_key
from tests.records import CAMPAIGN, conversation, small_campaign

PASSWORD = "correct horse battery staple"
HASH = hash_password(PASSWORD)
ADMIN = User("root", "admin", None, HASH)
PLANNER = User("pat", "planner", None, HASH)
MAYA = User("maya", "organizer", "Maya Ortiz", HASH)
DEV = User("dev", "organizer", "Dev Patel", HASH)
VIEWER = User("vera", "viewer", None, HASH)
USERS = {u.username: u for u in (ADMIN, PLANNER, MAYA, DEV, VIEWER)}

ANA = f"person:{CAMPAIGN}:ana lopez"
BEN = f"person:{CAMPAIGN}:ben ortiz"
CAM = f"person:{CAMPAIGN}:cam lee"
DEE = f"person:{CAMPAIGN}:dee park"
# Maya's words about Ana (her 1-on-1s and her assessment update) and Ana's contact details.
MAYAS = ["SECRET STORY", "SECRET NOTES", "SECRET REFERRAL NOTE", "MAYA REASON", "5550100",
         "secret-email", "come to the Dec 3 meeting"]


def _ben_with_dev() -> OneOnOne:
    return OneOnOne.model_validate({
        "date": "2026-11-18", "organizer": "Dev Patel", "campaign": CAMPAIGN,
        "contact": {"name": "Ben Ortiz", "unit": "ICU", "phone": "+1 555 0199"},
        "issues": [{"issue": "short staffing", "anger": 4, "story": "DEV STORY"}],
        "notes": "DEV NOTES", "assessment": 2})


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, open_store_of_kind):
    s = open_store_of_kind(request.param)
    s.write(small_campaign() + [
        _ben_with_dev(),
        Update(person="Ana Lopez", campaign=CAMPAIGN, organizer="Maya Ortiz", date="2026-11-20",
               update="assessment", assessment=2, reason="MAYA REASON"),
        Update(person="Ana Lopez", campaign=CAMPAIGN, organizer="Dev Patel", date="2026-11-21",
               update="note", note="DEV UPDATE NOTE"),
        Assignment(person="Ana Lopez", campaign=CAMPAIGN, organizer="Maya Ortiz",
                   date="2026-11-22"),
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
    return json.dumps(value, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def find(component, wanted):
    """The component with id ``wanted`` inside a layout."""
    if getattr(component, "id", None) == wanted:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            hit = find(child, wanted)
            if hit is not None:
                return hit
    return None


def page(app, user, key):
    with signed_in_as(app, user):
        return person.render_person(key, None)


# --- what the page shows -------------------------------------------------------------------

def test_where_she_stands_comes_first_status_assessment_assignee_and_sources(app):
    body = page(app, MAYA, ANA)
    summary = text(find(body, ids.PERSON_SUMMARY))
    assert "committed" in summary  # Ana said yes to the Dec 3 meeting
    # The newest assessment is the update of 11-20 (2), not the 1-on-1 of 11-15 (1).
    assert "2 · supporter" in summary and "2026-11-20" in summary
    assert "Maya Ortiz" in summary and "Assigned to" in summary
    assert "ICU" in summary and "from a 1-on-1" in summary
    # The roster says days, the 1-on-1 nights: the page says they disagree.
    assert "disagree on shift" in summary
    whole = text(body)
    assert whole.index("Where they stand") < whole.index("History, newest first")


def test_the_history_lists_1on1s_updates_and_assignments_newest_first(app):
    history = text(find(page(app, ADMIN, ANA), ids.PERSON_HISTORY))
    days = ["2026-11-22", "2026-11-21", "2026-11-20", "2026-11-15", "2026-11-01"]
    where = [history.index(d) for d in days]
    assert where == sorted(where)
    assert "assigned to Maya Ortiz" in history and "assessment changed" in history
    assert "DEV UPDATE NOTE" in history and "MAYA REASON" in history  # an admin sees all words


def test_another_organizer_sees_the_history_without_mayas_words_or_anas_phone(app):
    seen = text(page(app, DEV, ANA))
    for secret in MAYAS:
        assert secret not in seen
    assert "short staffing" in seen and "2 · supporter" in seen
    assert "DEV UPDATE NOTE" in seen  # his own note


def test_the_organizer_who_held_it_sees_her_words_and_not_anothers_note(app):
    seen = text(page(app, MAYA, ANA))
    for secret in MAYAS:
        assert secret in seen
    assert "DEV UPDATE NOTE" not in seen


def test_a_planner_sees_where_people_stand_but_no_words_or_contact_details(app):
    seen = text(page(app, PLANNER, ANA))
    for secret in MAYAS + ["DEV UPDATE NOTE"]:
        assert secret not in seen
    assert "committed" in seen and "Maya Ortiz" in seen
    assert ids.PERSON_RECORD_NEXT not in seen  # a planner records nothing


def test_a_contact_assigned_to_her_shows_its_phone_but_not_anothers_story(app, store):
    assert "5550199" not in text(page(app, MAYA, BEN))
    store.write([Assignment(person="Ben Ortiz", campaign=CAMPAIGN, organizer="Maya Ortiz",
                            date="2026-11-23")])
    seen = text(page(app, MAYA, BEN))
    assert "5550199" in seen
    assert "DEV STORY" not in seen and "DEV NOTES" not in seen


def test_a_viewer_gets_no_person_page(app):
    seen = text(page(app, VIEWER, ANA))
    assert "organizers and admins only" in seen
    for secret in MAYAS + ["Ana Lopez", "2026-11-20"]:
        assert secret not in seen


# --- actions -------------------------------------------------------------------------------

def act(app, user, action, key, **inputs):
    with signed_in_as(app, user):
        return person.act(action, key, None, **inputs)


def _updates(store, name):
    return [r.body for r in store.iter_records(CAMPAIGN, "update") if r.body["person"] == name]


def test_logging_an_attempt_writes_the_update_the_cli_writes(app, store):
    done = act(app, MAYA, "attempt", CAM, outcome="wrong_number", date="2026-11-29")
    assert done["ok"] and "wrong number" in done["message"]
    [u] = _updates(store, "Cam Lee")
    assert (u["update"], u["outcome"], u["organizer"], u["date"]) == (
        "attempt", "wrong_number", "Maya Ortiz", "2026-11-29")
    # The page shows it at the top of the history, and says it was done.
    with signed_in_as(app, MAYA):
        body = person.render_person(CAM, None, done)
    assert "wrong number" in text(find(body, ids.PERSON_HISTORY))
    assert done["message"] in text(find(body, ids.PERSON_ACTIONS))


def test_an_attempt_needs_a_known_outcome_and_a_date(app, store):
    before = store.version()
    assert not act(app, MAYA, "attempt", CAM, outcome="shouted", date="2026-11-29")["ok"]
    assert not act(app, MAYA, "attempt", CAM, outcome="no_answer", date="not a day")["ok"]
    assert store.version() == before


def test_an_organizer_takes_an_unassigned_contact_and_gives_it_back(app, store):
    assert act(app, MAYA, "take", DEE)["ok"]
    with signed_in_as(app, MAYA):
        assert store.snapshot(CAMPAIGN).assignments[DEE] is not None
    assert "Maya Ortiz" in text(find(page(app, MAYA, DEE), ids.PERSON_SUMMARY))
    assert act(app, MAYA, "give_back", DEE)["ok"]
    assert DEE not in store.snapshot(CAMPAIGN).assignments or \
        store.snapshot(CAMPAIGN).assignments[DEE].organizer is None


def test_forged_actions_are_refused_and_write_nothing(app, store):
    before = store.version()
    # Dev may not take Maya's contact, give it back for her, or log as anyone while a viewer.
    for user, action, key, inputs in [
            (DEV, "take", ANA, {}), (DEV, "give_back", ANA, {}),
            (DEV, "assign", ANA, {"organizer": "Dev Patel"}),
            (DEV, "assign", DEE, {"organizer": "Maya Ortiz"}),
            (VIEWER, "attempt", CAM, {"outcome": "no_answer"}),
            (PLANNER, "attempt", CAM, {"outcome": "no_answer"}),
            (ADMIN, "take", DEE, {}), (MAYA, "delete", ANA, {})]:
        done = act(app, user, action, key, **inputs)
        assert not done["ok"], (user.username, action)
        assert done["message"].startswith("Not done")
        assert "Ana" not in done["message"] and "Dee" not in done["message"]
    assert store.version() == before


def _post_action(app, username, action, key, inputs=()):
    """The Act card's callback as the browser posts it, with any ids and values it likes."""
    client = app.server.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    client.post("/login", data={"username": username, "password": PASSWORD,
                                "csrf_token": token, "next": "/"})
    [output] = [d["output"] for d in client.get("/_dash-dependencies").get_json()
                if d["output"].startswith(ids.PERSON_BODY + ".children@")]
    button = {"type": ids.PERSON_ACTION, "action": action}
    fields = [{"type": ids.PERSON_ACTION_INPUT, "name": n} for n, _ in inputs]
    body = {"output": output, "outputs": {"id": ids.PERSON_BODY, "property": "children"},
            "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
            "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True)
                               + ".n_clicks"],
            "state": [[{"id": f, "property": "value", "value": v} for f, (_, v) in
                       zip(fields, inputs)],
                      [{"id": f, "property": "id", "value": f} for f in fields],
                      {"id": ids.PERSON_KEY, "property": "data", "value": key},
                      {"id": ids.CAMPAIGN, "property": "data", "value": None}]}
    return client.post("/_dash-update-component", json=body).get_data(as_text=True)


def test_a_forged_request_over_http_is_refused_and_an_honest_one_writes(app, store):
    before = store.version()
    answer = _post_action(app, "dev", "give_back", ANA)
    assert "Not done" in answer and "SECRET" not in answer
    answer = _post_action(app, "pat", "attempt", CAM, [("outcome", "no_answer")])
    assert "Not done" in answer
    assert store.version() == before
    answer = _post_action(app, "maya", "attempt", CAM,
                          [("outcome", "not_now"), ("date", "2026-11-28")])
    assert "Logged: not now on 2026-11-28" in answer
    [u] = _updates(store, "Cam Lee")
    assert u["organizer"] == "Maya Ortiz" and u["outcome"] == "not_now"


def test_a_planner_assigns_to_any_organizer_and_unassigns(app, store):
    assert act(app, PLANNER, "assign", ANA, organizer="Dev Patel")["ok"]
    assert "Dev Patel" in text(find(page(app, PLANNER, ANA), ids.PERSON_SUMMARY))
    assert act(app, PLANNER, "assign", ANA, organizer="")["ok"]
    assert "no one" in text(find(page(app, PLANNER, ANA), ids.PERSON_SUMMARY))
    body = page(app, PLANNER, ANA)
    picker = find(body, {"type": ids.PERSON_ACTION_INPUT, "name": "organizer"})
    assert {"Maya Ortiz", "Dev Patel"} <= {o["value"] for o in picker.options}


# --- the Record page: prefilled for the next 1-on-1, or opening one's own to correct it ------

def _values(layout) -> dict:
    out = {}

    def walk(c):
        cid = getattr(c, "id", None)
        if isinstance(cid, dict) and cid.get("type") == ids.FORM_FIELD:
            out[cid["field"]] = getattr(c, "value", None)
        children = getattr(c, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and hasattr(child, "to_plotly_json"):
                walk(child)
    walk(layout)
    return out


def test_record_the_next_1on1_links_to_the_form_prefilled(app):
    body = page(app, MAYA, ANA)
    href = find(body, ids.PERSON_RECORD_NEXT).href
    query = {k: v[0] for k, v in parse_qs(urlparse(href).query).items()}
    assert query == {"contact": "Ana Lopez", "campaign": CAMPAIGN, "organizer": "Maya Ortiz"}
    with signed_in_as(app, ADMIN):
        form = record.layout(**query)
        assert record.default_campaign(None, "", CAMPAIGN) == (CAMPAIGN, None)
    values = _values(form)
    assert values["contact.name"] == "Ana Lopez" and values["organizer"] == "Maya Ortiz"
    assert find(form, ids.FORM_PREFILL_CAMPAIGN).data == CAMPAIGN


def test_her_own_1on1s_have_an_edit_link_and_anothers_do_not(app):
    history = text(find(page(app, MAYA, ANA), ids.PERSON_HISTORY))
    assert "conversation=ana-second" in history
    assert "/record?conversation" not in text(find(page(app, MAYA, BEN), ids.PERSON_HISTORY))
    assert "/record?conversation" in text(find(page(app, DEV, BEN), ids.PERSON_HISTORY))


def _form_of(layout):
    values = _values(layout)
    fields = [{"type": ids.FORM_FIELD, "field": f} for f in values]
    errors = [{"type": ids.FORM_ERROR, "field": f} for f in values]
    return fields, [v for v in values.values()], errors


def test_she_opens_her_own_1on1_corrects_it_and_it_is_replaced(app, store):
    key = conversation_key(CAMPAIGN, "ana-second")
    count = store.counts(CAMPAIGN)["records"]["conversation"]
    with signed_in_as(app, MAYA):
        form = record.layout(conversation="ana-second", campaign=CAMPAIGN)
        values = _values(form)
        assert values["contact.name"] == "Ana Lopez"
        assert values["issues.0.issue"] == "mandatory overtime" and values["assessment"] == "1"
        assert values["notes"] == "SECRET NOTES" and values["date"] == "2026-11-15"
        assert find(form, ids.FORM_EDITING).data == "ana-second"
        fields, vals, errors = _form_of(form)
        vals[[f["field"] for f in fields].index("notes")] = "CORRECTED"
        vals[[f["field"] for f in fields].index("date")] = "2026-11-16"  # a wrong date, fixed
        messages, status, kept = record.save_record(1, fields, vals, errors, CAMPAIGN, CAMPAIGN,
                                                    "ana-second")
    assert not any(messages) and "updated" in text(status)
    [rec] = store.get_records([key])
    assert rec.body["notes"] == "CORRECTED" and rec.body["date"] == "2026-11-16"
    assert rec.body["contact"]["phone"] == "+15550100"
    assert store.counts(CAMPAIGN)["records"]["conversation"] == count
    assert all(v is record.no_update for v in kept)  # the form stays on the record


def test_a_list_item_holding_a_comma_is_one_item_after_an_untouched_correction(app, store):
    """A 1-on-1 from a file or the API may hold "spanish, translation" as one skill; opened
    for correction and saved with only its notes changed, each list comes back as it was."""
    lists = {"plan": {"skills": ["spanish, translation", 'the "night" crew', "spreadsheets"]},
             "ask": {"fears": ["my visa, my kids"]}}
    store.write([conversation("Eve Stone", "2026-11-10", id="eve-1", **lists)])
    with signed_in_as(app, MAYA):
        fields, vals, errors = _form_of(record.layout(conversation="eve-1", campaign=CAMPAIGN))
        vals[[f["field"] for f in fields].index("notes")] = "CORRECTED"
        messages, status, _ = record.save_record(1, fields, vals, errors, CAMPAIGN, CAMPAIGN,
                                                 "eve-1")
    assert not any(messages) and "updated" in text(status)
    [rec] = store.get_records([conversation_key(CAMPAIGN, "eve-1")])
    assert rec.body["notes"] == "CORRECTED"
    assert rec.body["plan"]["skills"] == lists["plan"]["skills"]
    assert rec.body["ask"]["fears"] == lists["ask"]["fears"]


def test_another_organizer_can_neither_open_nor_overwrite_her_1on1(app, store):
    with signed_in_as(app, DEV):
        form = record.layout(conversation="ana-second", campaign=CAMPAIGN)
    seen = text(form)
    assert record.NOT_OPENED in seen
    for secret in ("SECRET", "mandatory overtime", "Ana Lopez"):
        assert secret not in seen
    before = store.version()
    with signed_in_as(app, DEV):
        fields, vals, errors = _form_of(record.layout())
        vals[[f["field"] for f in fields].index("contact.name")] = "Ana Lopez"
        vals[[f["field"] for f in fields].index("notes")] = "TAKEN OVER"
        for target in ("ana-second", "no-such-conversation", ["x"]):
            _, status, _ = record.save_record(1, fields, vals, errors, CAMPAIGN, CAMPAIGN, target)
            assert record.REFUSED in text(status)
    assert store.version() == before


def test_an_admin_opens_anyones_1on1(app):
    with signed_in_as(app, ADMIN):
        values = _values(record.layout(conversation="2026-11-18-ben-ortiz", campaign=CAMPAIGN))
    assert values["organizer"] == "Dev Patel" and values["issues.0.story"] == "DEV STORY"


def test_a_corrected_record_with_many_issues_opens_with_a_row_for_each(app, store):
    store.write([conversation("Eve Stone", "2026-11-10", issues=[
        {"issue": f"issue {i}", "anger": i % 5} for i in range(5)])])
    with signed_in_as(app, MAYA):
        values = _values(record.layout(conversation="2026-11-10-eve-stone", campaign=CAMPAIGN))
        added = record.add_issue(1, [None] * 5)
    assert values["issues.4.issue"] == "issue 4"
    assert "issues.5.issue" in text(added)


def test_today_is_the_attempts_default_date(app, monkeypatch):
    from mapper import clock
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 12, 1))
    picker = find(page(app, MAYA, CAM), {"type": ids.PERSON_ACTION_INPUT, "name": "date"})
    assert picker.value == "2026-12-01"


def test_the_page_of_a_person_known_by_a_custom_id_shows_her_history(app, store):
    """A roster with employee ids keys each person by hers: her 1-on-1, an update and an
    assignment (each by name) reach her, and her page lists them all; with a second person of
    her name, each page still shows its own (the page asks by key, not by name)."""
    from mapper import services
    from mapper.models import RosterRow
    from mapper.projection import identity_key
    from mapper.roles import ADMIN as EVERY_RIGHT

    store.write([RosterRow(name="Zoe Quinn", custom_id="E-77", unit="ER", campaign=CAMPAIGN)])
    zoe = identity_key(CAMPAIGN, "E-77")
    zoe_1on1 = conversation("Zoe Quinn", "2026-11-19", id="zoe-1", unit="ER",
                            organizer="Maya Ortiz")
    services.post_records(store, EVERY_RIGHT, [
        zoe_1on1,
        Assignment(person="Zoe Quinn", organizer="Maya Ortiz", date="2026-11-23",
                   campaign=CAMPAIGN),
        Update(person="Zoe Quinn", organizer="Maya Ortiz", update="attempt",
               outcome="no_answer", date="2026-11-24", campaign=CAMPAIGN)])
    found = services.person_timeline(store, CAMPAIGN, "Zoe Quinn")
    assert found["person"] == zoe
    assert [r["record_type"] for r in found["records"]] == ["conversation", "assignment",
                                                              "update"]
    store.write([RosterRow(name="Zoe Quinn", custom_id="E-78", unit="ICU", campaign=CAMPAIGN)])
    history = text(find(page(app, ADMIN, zoe), ids.PERSON_HISTORY))
    assert all(d in history for d in ("2026-11-19", "2026-11-23", "2026-11-24"))
    assert "assigned to Maya Ortiz" in history
    other = text(page(app, ADMIN, identity_key(CAMPAIGN, "E-78")))
    assert "ICU" in other and not any(d in other for d in ("2026-11-19", "2026-11-23"))


def test_a_correction_opened_twice_does_not_silently_undo_the_first_one_saved(app, store):
    key = conversation_key(CAMPAIGN, "ana-second")

    def opened():
        form = record.layout(conversation="ana-second", campaign=CAMPAIGN)
        fields, vals, errors = _form_of(form)
        return form, fields, vals, errors

    def save(form, fields, vals, errors, notes):
        vals[[f["field"] for f in fields].index("notes")] = notes
        return record.save_and_close_draft(1, fields, vals, errors, CAMPAIGN, CAMPAIGN,
                                           "ana-second", None,
                                           find(form, ids.FORM_EDITING_SEEN).data)

    with signed_in_as(app, MAYA):
        phone = opened()  # on her phone ...
        desk = opened()   # ... and on her desk
        done = save(*desk, "FROM THE DESK")
        assert "updated" in text(done[1])
        again = save(*desk, "FROM THE DESK")  # the same save sent twice is no conflict
        assert "Not saved" not in text(again[1])
        stale = save(*phone, "FROM THE PHONE")
    assert record.STALE in text(stale[1]) and "FROM THE PHONE" not in text(stale[1])
    assert all(v is record.no_update for v in stale[2])  # what she typed stays in the form
    [rec] = store.get_records([key])
    assert rec.body["notes"] == "FROM THE DESK"
    # The desk's form now starts from what it saved: its next save goes through.
    desk_form = desk[0]
    find(desk_form, ids.FORM_EDITING_SEEN).data = done[5]
    with signed_in_as(app, MAYA):
        assert "updated" in text(save(desk_form, *desk[1:], "DESK, LATER")[1])
    assert store.get_records([key])[0].body["notes"] == "DESK, LATER"
