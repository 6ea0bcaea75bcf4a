"""Actions on Follow-ups and My list rows, called as plain callbacks: what they write, undo,
who is refused, what each role sees, and where the organizer filters start."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from unittest.mock import patch

import pytest

from dashboard import actions, ids
from dashboard.app import create_app
from dashboard.components import person_href
from dashboard.listing import filter_options
from dashboard.pages import follow_ups, my_list, ready
from dashboard.tables import ready_rows
from dashboard.users import User, hash_password
from mapper import services
from mapper.roles import ADMIN as CLI
from tests.records import CAMPAIGN, conversation, small_campaign
from tests.test_dashboard_callbacks import signed_in_as, text

HASH = hash_password("correct horse battery staple")
ADMIN = User("root", "admin", None, HASH)
MAYA = User("maya", "organizer", "Maya Ortiz", HASH)
DEV = User("dev", "organizer", "Dev Patel", HASH)
PAT = User("pat", "planner", None, HASH)
VIEWER = User("vera", "viewer", None, HASH)
USERS = {u.username: u for u in (ADMIN, MAYA, DEV, PAT, VIEWER)}

TODAY = "2026-11-30"
ANA = f"person:{CAMPAIGN}:ana lopez"
BEN = f"person:{CAMPAIGN}:ben ortiz"
DEE = f"person:{CAMPAIGN}:dee park"
ANA_ITEM = "commitment:2026-11-01-ana-lopez"  # Maya's: Ana said yes to the Dec 3 meeting
BEN_ITEM = "commitment:2026-11-18-ben-ortiz"  # Dev's


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, open_store_of_kind):
    s = open_store_of_kind(request.param)
    s.write(small_campaign() + [
        conversation("Ben Ortiz", "2026-11-18", organizer="Dev Patel",
                     ask={"asked": True, "action": "sign the petition", "response": "yes",
                          "due": "2026-11-28"}, assessment=2),
    ])
    services.assign(s, CLI, CAMPAIGN, ["Ana Lopez", "Dee Park"], "Maya Ortiz")
    services.assign(s, CLI, CAMPAIGN, ["Ben Ortiz"], "Dev Patel")
    return s


@pytest.fixture
def app(store):
    return create_app(lambda: store, users=USERS)


def walk(component):
    """Every component of a layout or a callback's answer."""
    if isinstance(component, (list, tuple)):
        for c in component:
            yield from walk(c)
        return
    if component is None or not hasattr(component, "to_plotly_json"):
        return
    yield component
    yield from walk(getattr(component, "children", None))


def buttons(answer, kind: str) -> list[dict]:
    """The ids of the action buttons (and menu entries) in a callback's answer."""
    return [c.id for c in walk(answer) if isinstance(getattr(c, "id", None), dict)
            and c.id.get("type") == kind]


def by_id(layout, id_: str):
    return next(c for c in walk(layout) if getattr(c, "id", None) == id_)


def updates(store) -> list[dict]:
    return [r.body for r in store.iter_records(CAMPAIGN, "update")]


def table_of(app, user, organizer=None):
    with signed_in_as(app, user):
        _, table, _ = follow_ups.update_follow_ups(None, TODAY, organizer)[:3]
    return table


def close(item=ANA_ITEM, person=ANA, value="commitment_kept"):
    return {"type": ids.FOLLOW_ACTION, "do": "close", "person": person, "item": item,
            "value": value}


def test_an_organizer_marks_her_commitment_kept_it_leaves_the_list_and_undo_brings_it_back(
        app, store):
    assert ANA_ITEM in text(table_of(app, MAYA))
    with signed_in_as(app, MAYA):
        status, changed = follow_ups.act(close(), None, TODAY)
    assert changed is not None and "commitment marked kept" in text(status)
    [written] = updates(store)
    assert (written["update"], written["organizer"], written["conversation"], written["date"]) \
        == ("commitment_kept", "Maya Ortiz", "2026-11-01-ana-lopez", TODAY)
    assert ANA_ITEM not in text(table_of(app, MAYA))

    [undo] = buttons(status, ids.FOLLOW_ACTION)
    assert undo["do"] == "undo"
    with signed_in_as(app, MAYA):
        status, changed = follow_ups.act(undo, None, TODAY)
    assert "Undone" in text(status) and changed is not None
    assert updates(store) == []
    assert ANA_ITEM in text(table_of(app, MAYA))


def test_missed_writes_commitment_missed(app, store):
    with signed_in_as(app, MAYA):
        follow_ups.act(close(value="commitment_missed"), None, TODAY)
    assert [u["update"] for u in updates(store)] == ["commitment_missed"]


def test_rows_have_actions_for_their_organizer_and_admins_only(app):
    mine = buttons(table_of(app, MAYA), ids.FOLLOW_ACTION)
    assert {b["item"] for b in mine} == {ANA_ITEM}
    assert {b["value"] for b in mine} == {"commitment_kept", "commitment_missed"}
    assert {b["item"] for b in buttons(table_of(app, ADMIN), ids.FOLLOW_ACTION)} \
        == {ANA_ITEM, BEN_ITEM}
    planner = table_of(app, PAT)
    assert "Ana Lopez" in text(planner) and "Ben Ortiz" in text(planner)
    assert buttons(planner, ids.FOLLOW_ACTION) == []
    viewer = table_of(app, VIEWER)
    assert buttons(viewer, ids.FOLLOW_ACTION) == [] and "Ana Lopez" not in text(viewer)


@pytest.mark.parametrize("user", [MAYA, PAT, VIEWER], ids=["other-organizer", "planner", "viewer"])
def test_a_forged_action_on_dev_s_item_is_refused_and_writes_nothing(app, store, user):
    before = store.version()
    with signed_in_as(app, user):
        status, changed = follow_ups.act(close(BEN_ITEM, BEN), None, TODAY)
    assert "Not done" in text(status) and changed is None
    assert store.version() == before and updates(store) == []


def test_an_organizer_cannot_undo_another_organizer_s_update(app, store):
    with signed_in_as(app, DEV):
        status, _ = follow_ups.act(close(BEN_ITEM, BEN), None, TODAY)
    [undo] = buttons(status, ids.FOLLOW_ACTION)
    for user in (MAYA, PAT, VIEWER):
        with signed_in_as(app, user):
            status, changed = follow_ups.act(undo, None, TODAY)
        assert "Not done" in text(status) and changed is None
    assert len(updates(store)) == 1


def test_a_forged_action_tells_a_viewer_nothing_of_who_or_what_is_stored(app, store):
    # Ana's 1-on-1 of 2026-11-01 and Ana are stored; the next day's and "Zed Nobody" are not.
    stored, missing = f"conversation:{CAMPAIGN}:2026-11-01-ana-lopez", \
        f"conversation:{CAMPAIGN}:2026-11-02-ana-lopez"
    zed = f"person:{CAMPAIGN}:zed nobody"
    said = []
    for target in ({"do": "undo", "item": stored}, {"do": "undo", "item": missing},
                   {"do": "attempt", "person": ANA, "value": "no_answer"},
                   {"do": "attempt", "person": zed, "value": "no_answer"}):
        with signed_in_as(app, VIEWER):
            status, changed = follow_ups.act({"type": ids.FOLLOW_ACTION, **target}, None, TODAY)
        assert changed is None
        said.append(text(status))
    assert said[0] == said[1] and said[2] == said[3]
    assert store.get_records([stored]) and updates(store) == []


def contacts(app, user, organizer=None):
    with signed_in_as(app, user):
        return my_list.update_my_list(None, TODAY, organizer)[:3]


def test_my_list_shows_an_organizer_her_assigned_contacts_with_what_to_do(app):
    counts, cards, options = contacts(app, MAYA)
    seen = text(cards)
    assert "Ana Lopez" in seen and "Dee Park" in seen and "Ben Ortiz" not in seen
    assert "first 1-on-1" in seen and "check the commitment from the 2026-11-01" in seen
    links = [c.href for c in walk(cards) if getattr(c, "href", None)]
    assert person_href(ANA) in links and person_href(DEE) in links  # each opens the Person page
    assert options == [{"label": "Maya Ortiz", "value": "Maya Ortiz"}]
    # A forged organizer still gets her own list.
    _, cards, _ = contacts(app, MAYA, "Dev Patel")
    assert "Ben Ortiz" not in text(cards) and "Ana Lopez" in text(cards)


def test_my_list_actions_close_an_item_and_log_an_attempt(app, store):
    _, cards, _ = contacts(app, MAYA)
    acts = buttons(cards, ids.MY_ACTION)
    assert {(b["person"], b["do"]) for b in acts} == {(ANA, "close"), (ANA, "attempt"),
                                                      (DEE, "attempt")}
    no_answer = next(b for b in acts if b["person"] == DEE and b["value"] == "no_answer")
    done = next(b for b in acts if b["do"] == "close" and b["value"] == "commitment_kept")
    with signed_in_as(app, MAYA):
        my_list.act(no_answer, None, TODAY)
        my_list.act(done, None, TODAY)
    assert sorted((u["update"], u.get("outcome"), u["organizer"]) for u in updates(store)) == [
        ("attempt", "no_answer", "Maya Ortiz"), ("commitment_kept", None, "Maya Ortiz")]
    seen = text(contacts(app, MAYA)[1])
    assert "no answer" in seen and "check the commitment" not in seen


def test_planners_see_every_list_without_actions_and_viewers_only_counts(app):
    counts, cards, options = contacts(app, PAT)
    assert {o["value"] for o in options} == {"Maya Ortiz", "Dev Patel"}
    assert "Ben Ortiz" in text(cards) and "Ana Lopez" in text(cards)
    assert buttons(cards, ids.MY_ACTION) == []
    _, cards, _ = contacts(app, PAT, "Dev Patel")
    assert "Ben Ortiz" in text(cards) and "Ana Lopez" not in text(cards)
    counts, cards, _ = contacts(app, VIEWER)
    seen = text([counts, cards])
    assert "Maya Ortiz" in text(counts) and "first 1-on-1" in text(counts)
    assert not any(n in seen for n in ("Ana Lopez", "Dee Park", "Ben Ortiz"))


@pytest.mark.parametrize("user,start", [(MAYA, "Maya Ortiz"), (PAT, None), (ADMIN, None)])
def test_the_lists_open_on_an_organizer_s_own_items_and_on_all_for_others(app, user, start):
    with signed_in_as(app, user):
        pages = [(follow_ups.layout(), ids.FOLLOW_ORGANIZER), (ready.layout(),
                 ids.READY_FILTER_ORGANIZER), (my_list.layout(), ids.MY_ORGANIZER)]
        ready_options = filter_options(ready_rows, ["organizer"], None)[0]
        _, _, follow_options = follow_ups.update_follow_ups(None, "2026-11-02", start)[:3]
    for layout, dropdown in pages:
        d = by_id(layout, dropdown)
        assert getattr(d, "value", None) == start, dropdown
        # The browser keeps a value only if its options hold it, from the first render on.
        if start:
            assert {"label": start, "value": start} in d.options, dropdown
    if start:
        assert start in [o["value"] for o in ready_options]
        assert start in [o["value"] for o in follow_options]  # even with nothing due


def test_an_item_undone_can_be_marked_again(app, store):
    with signed_in_as(app, MAYA):
        status, _ = follow_ups.act(close(), None, TODAY)
        [undo] = buttons(status, ids.FOLLOW_ACTION)
        follow_ups.act(undo, None, TODAY)
        status, changed = follow_ups.act(close(), None, TODAY)
    assert changed is not None and [u["update"] for u in updates(store)] == ["commitment_kept"]
    assert ANA_ITEM not in text(table_of(app, MAYA))


def test_my_list_offers_no_done_for_an_item_another_organizer_owes(app, store):
    # Ben is given to Maya, but the commitment he made was to Dev: Dev closes it.
    services.assign(store, CLI, CAMPAIGN, ["Ben Ortiz"], "Maya Ortiz")
    ben = [b for b in buttons(contacts(app, MAYA)[1], ids.MY_ACTION) if b["person"] == BEN]
    assert ben and {b["do"] for b in ben} == {"attempt"}
    admin = [b for b in buttons(contacts(app, ADMIN)[1], ids.MY_ACTION) if b["person"] == BEN]
    assert {b["do"] for b in admin} == {"attempt", "close"}


def test_a_contact_known_by_a_custom_id_is_assigned_and_logged_as_herself(app, store):
    """A roster with employee numbers keys each person by her id, not her name: assigning
    her wrote an assignment by her name, which made a second "Zoe Quinn" (a ghost on the
    organizer's list, she herself unassigned); logging an attempt on her from My list
    failed ("no one by that name"). Both reach her now, and a forget leaves nothing."""
    from mapper.models import RosterRow
    from mapper.projection import identity_key
    from mapper.roles import ADMIN as CLI_ADMIN

    store.write([RosterRow(name="Zoe Quinn", custom_id="E-77", unit="ICU", campaign=CAMPAIGN)])
    zoe = identity_key(CAMPAIGN, "E-77")
    people = set(store.snapshot(CAMPAIGN).people)
    services.assign_people(store, CLI_ADMIN, CAMPAIGN, [zoe], "Maya Ortiz")
    assert store.assignees(CAMPAIGN)[zoe] == "Maya Ortiz"
    assert set(store.snapshot(CAMPAIGN).people) == people  # (no second Zoe Quinn)
    _, cards, _ = contacts(app, MAYA)
    attempt = next(b for b in buttons(cards, ids.MY_ACTION)
                   if b["person"] == zoe and b["value"] == "no_answer")
    with signed_in_as(app, MAYA):
        status, changed = my_list.act(attempt, None, TODAY)
    assert changed is not None and "Zoe Quinn: attempt logged" in text(status)
    assert store.snapshot(CAMPAIGN).updates[-1].person == zoe
    services.forget_person(store, CLI_ADMIN, CAMPAIGN, zoe)
    assert not [r for kind in ("assignment", "update")
                for r in store.iter_records(CAMPAIGN, kind) if "Zoe" in str(r.body)
                or r.body.get("person", "").startswith("#")]


def test_an_attempt_logged_again_offers_no_undo_that_would_delete_the_first(app, store):
    _, cards, _ = contacts(app, MAYA)
    no_answer = next(b for b in buttons(cards, ids.MY_ACTION)
                     if b["person"] == DEE and b["value"] == "no_answer")
    with signed_in_as(app, MAYA):
        first, _ = my_list.act(no_answer, None, TODAY)
        again, _ = my_list.act(no_answer, None, TODAY)  # a second tap, the same day
    assert [b["do"] for b in buttons(first, ids.MY_ACTION)] == ["undo"]
    assert buttons(again, ids.MY_ACTION) == [] and "already logged" in text(again)
    assert [(u["update"], u["outcome"]) for u in updates(store)] == [("attempt", "no_answer")]


def _post_callback(app, username: str, output_id: str, values: dict) -> object:
    """The callback writing ``output_id`` posted as a browser would, each input and state
    given the value ``values`` names for its id (None for the others): a forged request."""
    import re

    client = app.server.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    client.post("/login", data={"username": username, "password": "correct horse battery staple",
                                "csrf_token": token, "next": "/"})
    [dep] = [d for d in client.get("/_dash-dependencies").get_json()
             if d["output"].startswith(f"..{output_id}.") or d["output"].startswith(output_id)]
    outputs = [dict(zip(("id", "property"), o.rsplit(".", 1)))
               for o in dep["output"].strip(".").split("...")]
    body = {"output": dep["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": [{**i, "value": values.get(i["id"])} for i in dep["inputs"]],
            "state": [{**s, "value": values.get(s["id"])} for s in dep["state"]],
            "changedPropIds": [f"{dep['inputs'][0]['id']}.{dep['inputs'][0]['property']}"]}
    return client.post("/_dash-update-component", json=body)


@pytest.mark.parametrize("limit", ["lots", [1], {"n": 1}, 1.5, 10**9, "1000000", 30, 0, -25,
                                   525])
def test_a_forged_page_size_is_refused_not_a_server_error(app, limit):
    """A "Show more" limit the page never sends (not a whole number) was a server error (500)
    on My list and Follow-ups, and a huge one drew the whole list at once: now refused,
    nothing drawn (204), unless it is a number of pages the page offers (at most
    :data:`~dashboard.actions.MOST_DRAWN` rows, as a grid's block); an honest one draws."""
    for output, limit_id, as_of_id in ((ids.MY_COUNTS, ids.MY_LIMIT, ids.MY_AS_OF),
                                       (ids.FOLLOW_CHART, ids.FOLLOW_LIMIT, ids.FOLLOW_AS_OF)):
        r = _post_callback(app, "maya", output, {limit_id: limit, as_of_id: TODAY})
        assert r.status_code == 204, (output, r.status_code)
        r = _post_callback(app, "maya", output, {limit_id: 50, as_of_id: TODAY})
        assert r.status_code == 200 and "Ana Lopez" in r.get_data(as_text=True)
        # (A forged "As of" that is no date reads as today, as an empty one does.)
        assert _post_callback(app, "maya", output, {limit_id: 50, as_of_id: [TODAY]}
                              ).status_code == 200
    for more_id, limit_id in ((ids.MY_MORE, ids.MY_LIMIT), (ids.FOLLOW_MORE, ids.FOLLOW_LIMIT)):
        assert _post_callback(app, "maya", limit_id, {limit_id: limit, more_id: 1}
                              ).status_code == 204


def test_the_lists_and_the_form_start_on_the_day_the_store_is_run_on(app, monkeypatch):
    """The Follow-ups and My list pages' "As of" and the form's date started on the machine's
    date, not :func:`mapper.clock.today` (``MAPPER_TODAY``, the replaying of old data and
    the demo's clock): the lists showed another day's lateness than the command line."""
    from dashboard.pages import record

    monkeypatch.setenv("MAPPER_TODAY", "2026-11-02")
    with signed_in_as(app, MAYA):
        pages = [(follow_ups.layout(), ids.FOLLOW_AS_OF), (my_list.layout(), ids.MY_AS_OF)]
        form = record.layout()
    for layout, field in pages:
        assert by_id(layout, field).value == "2026-11-02", field
    assert "2026-11-02" in [getattr(c, "value", None) for c in _walk(form)]
    assert actions.as_of_date(None) == actions.as_of_date("not a day") == dt.date(2026, 11, 2)


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            yield from _walk(child)


@pytest.mark.parametrize("page,as_of,organizer", [
    ("follow-ups", ids.FOLLOW_AS_OF, ids.FOLLOW_ORGANIZER),
    ("my-list", ids.MY_AS_OF, ids.MY_ORGANIZER)])
def test_the_dated_lists_downloads_hold_the_day_and_organizer_the_page_shows(app, page, as_of,
                                                                               organizer):
    """A planner who picked Dev's list as of another day on Follow-ups (or My list)
    downloaded everyone's list as of today: the links did not follow the page's pickers."""
    import json
    import re

    from dashboard.exports import download_href

    client = app.server.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    client.post("/login", data={"username": "pat", "password": "correct horse battery staple",
                                "csrf_token": token, "next": "/"})
    [dep] = [d for d in client.get("/_dash-dependencies").get_json()
             if ids.EXPORT_QUERY in d["output"]
             and {i["id"] for i in d["inputs"]} == {as_of, organizer}]
    target = {"type": ids.EXPORT_QUERY, "list": page}
    body = {"output": dep["output"], "outputs": {"id": target, "property": "data"},
            "inputs": [{**i, "value": {as_of: "2026-11-09", organizer: "Dev Patel"}[i["id"]]}
                       for i in dep["inputs"]],
            "state": [], "changedPropIds": [f"{as_of}.value"]}
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    query = answer.get_json()["response"][json.dumps(target, separators=(",", ":"),
                                                     sort_keys=True)]["data"]
    assert query == {"as_of": "2026-11-09", "organizer": "Dev Patel"}
    for what in ("csv", "xlsx", "print"):
        href = download_href(page, what, query)
        assert "as_of=2026-11-09" in href and "organizer=Dev+Patel" in href, href


def test_show_more_stops_at_the_most_a_list_draws_at_once():
    from dashboard.actions import MOST_DRAWN, page_limit

    assert page_limit(MOST_DRAWN, 25) == MOST_DRAWN == 500
    for page, more_id in ((my_list, ids.MY_MORE), (follow_ups, ids.FOLLOW_MORE)):
        with patch.object(page.dash, "ctx", SimpleNamespace(triggered_id=more_id)):
            assert page.more(1, None, None, None, MOST_DRAWN - 25) == MOST_DRAWN
            assert page.more(1, None, None, None, MOST_DRAWN) == MOST_DRAWN
        said, style = page._more(MOST_DRAWN, 2_000)
        assert style == {"display": "none"} and "500 of 2,000" in said and "download" in said
    # (My list is an organizer's own: she has no organizer to pick.)
    assert "pick an organizer" not in my_list._more(MOST_DRAWN, 2_000)[0]


def test_follow_ups_tells_to_pick_an_organizer_only_when_none_is_picked():
    from dashboard.actions import MOST_DRAWN

    said, _ = follow_ups._more(MOST_DRAWN, 2_000)
    assert "pick an organizer" in said and "download" in said
    assert "pick an organizer" in follow_ups._more(25, 2_000)[0]
    said, style = follow_ups._more(MOST_DRAWN, 2_000, picked=True)
    assert "pick an organizer" not in said and "download holds them all" in said
    assert style == {"display": "none"}
    said, style = follow_ups._more(25, 2_000, picked=True)
    assert "pick an organizer" not in said and "25 of 2,000" in said and style == {}
