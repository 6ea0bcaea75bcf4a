"""The services of the organizing loop and the role rules they apply, on both stores."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dashboard.users import User
from mapper import services
from mapper.models import RECORD_KINDS, AliasRow, Assignment, RosterRow, Update
from mapper.projection import conversation_key, identity_key
from mapper.roles import (ADMIN, Actor, may_assign, may_delete, my_list_for, sees_contact_details,
                          sees_people)
from mapper.snapshot import Assigned, Conversation, Person, Snapshot
from tests.records import CAMPAIGN, conversation, roster, small_campaign

MAYA = Actor("organizer", "Maya Ortiz")
SAM = Actor("organizer", "Sam Lee")
VIEWER = Actor("viewer")
TODAY = dt.date(2026, 12, 1)


# -- the role rules, as pure functions ------------------------------------------------------

def test_an_admin_deletes_anything_an_organizer_only_the_1on1s_and_updates_she_made():
    talk = {"record_type": "conversation", "organizer": "Maya Ortiz"}
    update = {"record_type": "update", "organizer": " maya  ortiz "}
    for record in (talk, update, {"record_type": "roster"}, {"record_type": "assignment"}):
        assert may_delete(ADMIN, record)
    assert may_delete(MAYA, talk) and may_delete(MAYA, update)
    assert not may_delete(SAM, talk) and not may_delete(SAM, update)
    assert not may_delete(MAYA, {"record_type": "update"})  # made by no one: an admin's
    assert not may_delete(MAYA, {"record_type": "roster", "organizer": "Maya Ortiz"})
    assert not may_delete(MAYA, {"record_type": "assignment", "organizer": "Maya Ortiz"})
    assert not may_delete(VIEWER, talk)
    assert not may_delete(Actor("organizer", None), {"record_type": "update", "organizer": None})


def test_an_organizer_takes_free_contacts_for_herself_and_gives_back_her_own():
    assert may_assign(ADMIN, "Sam Lee", "Maya Ortiz") and may_assign(ADMIN, None, "Sam Lee")
    assert may_assign(MAYA, "maya ortiz", None)
    assert may_assign(MAYA, "Maya Ortiz", "Maya Ortiz")
    assert not may_assign(MAYA, "Maya Ortiz", "Sam Lee")  # not hers to take
    assert not may_assign(MAYA, "Sam Lee", None)           # not hers to hand out
    assert may_assign(MAYA, None, "Maya Ortiz") and not may_assign(MAYA, None, "Sam Lee")
    assert not may_assign(VIEWER, "Maya Ortiz", None) and not may_assign(VIEWER, None, "Maya Ortiz")


def _snapshot() -> Snapshot:
    snap = Snapshot("c")
    for key, name in (("person:c:ana", "Ana"), ("person:c:ben", "Ben"), ("person:c:cy", "Cy")):
        snap.people[key] = Person(key, name)
    snap.organizers = {"organizer:c:maya ortiz": "Maya Ortiz", "organizer:c:sam lee": "Sam Lee"}
    snap.conversations = [Conversation("t1", "person:c:ana", "Sam Lee", dt.date(2026, 11, 1))]
    snap.assignments = {"person:c:ben": Assigned("person:c:ben", "organizer:c:maya ortiz")}
    return snap


def test_an_organizer_sees_the_contact_details_of_her_contacts_and_of_those_she_talked_with():
    snap = _snapshot()
    seen = {who: {k for k in snap.people if sees_contact_details(actor, k, snap)}
            for who, actor in (("admin", ADMIN), ("maya", MAYA), ("sam", SAM), ("viewer", VIEWER))}
    assert seen == {"admin": {"person:c:ana", "person:c:ben", "person:c:cy"},
                    "maya": {"person:c:ben"},          # assigned to her
                    "sam": {"person:c:ana"},           # he talked with her
                    "viewer": set()}


def test_the_dashboard_user_is_an_actor_of_the_same_rules():
    maya = User("maya", "organizer", "Maya Ortiz")
    snap = _snapshot()
    assert sees_contact_details(maya, "person:c:ben", snap)
    assert not sees_contact_details(User("v", "viewer"), "person:c:ben", snap)
    assert may_delete(maya, {"record_type": "update", "organizer": "Maya Ortiz"})
    assert sees_people(maya) and not sees_people(User("v", "viewer"))


def test_a_viewer_sees_counts_per_organizer_only():
    result = {"organizers": [{"organizer": "Maya Ortiz", "key": "organizer:c:maya ortiz",
                              "counts": {"contacts": 1}, "contacts": [{"name": "Ana"}]}]}
    assert my_list_for(MAYA, result) == result
    assert my_list_for(VIEWER, result) == {"organizers": [{
        "organizer": "Maya Ortiz", "key": "organizer:c:maya ortiz", "counts": {"contacts": 1},
        "contacts": []}]}


# -- the services, on both stores -----------------------------------------------------------

def _records(store) -> list:
    return sorted(store.export(CAMPAIGN))


def _state(store) -> tuple:
    return store.counts(CAMPAIGN), _records(store), store.snapshot(CAMPAIGN)


def test_logging_an_update_writes_it_once_and_names_no_one_it_cannot_find(store):
    store.write(small_campaign())
    logged = services.log_update(store, ADMIN, CAMPAIGN, "ana  LOPEZ", update="attempt",
                                 outcome="no-answer", asked=True, date=TODAY)
    assert (logged.result.added, logged.update.person, logged.update.organizer) == (
        1, "Ana Lopez", "Maya Ortiz")  # the one who last spoke with her
    again = services.log_update(store, ADMIN, CAMPAIGN, "Ana Lopez", update="attempt",
                                outcome="no_answer", asked=True, date=TODAY)
    assert again.result.unchanged == 1 and again.update.id == logged.update.id
    [u] = store.snapshot(CAMPAIGN).updates
    assert (u.person, u.update, u.outcome, u.asked) == ("person:test-campaign:ana lopez",
                                                        "attempt", "no_answer", True)
    with pytest.raises(services.NotFound) as missing:
        services.log_update(store, ADMIN, CAMPAIGN, "Zoe Secretname", update="note", note="x")
    assert "Secretname" not in str(missing.value) and "PERSON" in str(missing.value)
    with pytest.raises(services.ServiceError) as bad:
        services.log_update(store, ADMIN, CAMPAIGN, "Ana Lopez", update="assessment",
                            assessment=9, reason="SECRET REASON", date=TODAY)
    assert "assessment" in str(bad.value) and "SECRET" not in str(bad.value)
    assert len(store.snapshot(CAMPAIGN).updates) == 1


def test_an_organizer_logs_under_her_own_name_and_a_viewer_logs_nothing(store):
    store.write(small_campaign())
    logged = services.log_update(store, Actor("organizer", "Sam Lee"), CAMPAIGN, "Ana Lopez",
                                 update="note", note="called back", date=TODAY)
    assert logged.update.organizer == "Sam Lee"
    with pytest.raises(services.NotAllowed):
        services.log_update(store, SAM, CAMPAIGN, "Ana Lopez", organizer="Maya Ortiz",
                            update="note", note="x", date=TODAY)
    with pytest.raises(services.NotAllowed):
        services.log_update(store, VIEWER, CAMPAIGN, "Ana Lopez", update="note", note="x")
    assert len(store.snapshot(CAMPAIGN).updates) == 1


def test_two_organizers_same_day_attempts_about_one_contact_are_two_records(store):
    """The derived id does not name the organizer: the second attempt used to replace the
    first (dashboard, mapper log) or be refused as another organizer's (API). Each one's
    re-send still changes nothing; an id given explicitly is still another's to keep."""
    store.write(small_campaign())
    attempt = {"update": "attempt", "outcome": "no_answer", "date": TODAY}
    maya = services.log_update(store, MAYA, CAMPAIGN, "Ana Lopez", **attempt)
    sam = services.log_update(store, SAM, CAMPAIGN, "Ana Lopez", **attempt)
    assert (maya.result.added, sam.result.added) == (1, 1) and sam.update.id != maya.update.id
    for actor in (MAYA, SAM):
        assert services.log_update(store, actor, CAMPAIGN, "Ana Lopez",
                                   **attempt).result.unchanged == 1
    dev = Actor("organizer", "Dev Patel")

    def posted(organizer: str, **more) -> Update:
        return Update.model_validate({"person": "Ana Lopez", "campaign": CAMPAIGN,
                                      "update": "attempt", "outcome": "no_answer",
                                      "date": TODAY.isoformat(), "organizer": organizer, **more})

    assert services.post_records(store, dev, [posted("Dev Patel")]).added == 1
    for actor, name in ((dev, "Dev Patel"), (SAM, "Sam Lee"), (MAYA, "Maya Ortiz")):
        assert services.post_records(store, actor, [posted(name)]).unchanged == 1
    # Two organizers' attempts in one request are two records too (an admin's upload).
    both = [posted("Ria Cruz", date="2026-11-30"), posted("Lu Ng", date="2026-11-30")]
    assert services.post_records(store, ADMIN, both).added == 2
    assert services.post_records(store, ADMIN, both).unchanged == 2
    before = _state(store)
    with pytest.raises(services.NotAllowed, match="another organizer's"):
        services.post_records(store, SAM, [posted("Sam Lee", id=maya.update.id)])
    assert _state(store) == before
    assert sorted(u.organizer for u in store.snapshot(CAMPAIGN).updates) == [
        "Dev Patel", "Lu Ng", "Maya Ortiz", "Ria Cruz", "Sam Lee"]


def test_posted_aliases_that_would_swap_or_chain_names_are_refused_and_nothing_written(store):
    """As `mapper alias` and an import refuse them (aliases are not followed in chains): the
    API's alias records, each against the store's and those before it in the request."""
    store.write(small_campaign())
    ana_l = AliasRow(kind="person", alias="Ana L", campaign=CAMPAIGN, canonical="Ana Lopez")
    assert services.post_records(store, ADMIN, [ana_l]).added == 1
    before = _state(store)
    swap = AliasRow(kind="person", alias="Ana Lopez", canonical="Ana L", campaign=CAMPAIGN)
    with pytest.raises(services.ServiceError, match="^record 1: canonical: it is itself an alias"):
        services.post_records(store, ADMIN, [swap])
    ot, chained = (AliasRow(kind="issue", alias=a, canonical=c, campaign=CAMPAIGN)
                   for a, c in (("OT", "overtime"), ("overtime", "extra hours")))
    with pytest.raises(services.ServiceError, match="^record 2: alias: other spellings"):
        services.post_records(store, ADMIN, [ot, chained])
    assert _state(store) == before
    assert services.post_records(store, ADMIN, [ana_l, ot]).unchanged == 1  # (sent again)


def test_assigning_reassigns_and_unassigning_takes_back_one_record_per_person(store):
    store.write(small_campaign())
    first = services.assign(store, ADMIN, CAMPAIGN, ["Ana Lopez", "ben ortiz"], "maya ortiz", TODAY)
    assert first.organizer == "Maya Ortiz"  # the known organizer's spelling
    assert [(n, was) for _, n, was in first.people] == [("Ana Lopez", None), ("Ben Ortiz", None)]
    again = services.assign(store, ADMIN, CAMPAIGN, ["Ana Lopez"], "Maya Ortiz", TODAY)
    assert again.people == [] and [n for _, n, _ in again.skipped] == ["Ana Lopez"]
    moved = services.assign(store, ADMIN, CAMPAIGN, ["Ana Lopez"], "Sam Lee", TODAY)
    assert [(n, was) for _, n, was in moved.people] == [("Ana Lopez", "Maya Ortiz")]
    snap = store.snapshot(CAMPAIGN)
    assert {k: snap.organizers[a.organizer] for k, a in snap.assignments.items()} == {
        "person:test-campaign:ana lopez": "Sam Lee", "person:test-campaign:ben ortiz": "Maya Ortiz"}
    assert store.counts(CAMPAIGN)["records"]["assignment"] == 2
    gone = services.unassign(store, ADMIN, CAMPAIGN, ["Ana Lopez", "Cam Lee"], TODAY)
    assert [n for _, n, _ in gone.people] == ["Ana Lopez"] and [n for _, n, _ in gone.skipped] == ["Cam Lee"]
    assert list(store.snapshot(CAMPAIGN).assignments) == ["person:test-campaign:ben ortiz"]
    # One unknown name: nothing is written, and the error says which, by position.
    with pytest.raises(services.NotFound, match="PERSON #2"):
        services.assign(store, ADMIN, CAMPAIGN, ["Cam Lee", "No Such"], "Maya Ortiz", TODAY)
    assert "person:test-campaign:cam lee" not in store.snapshot(CAMPAIGN).assignments
    # An organizer may not take a contact another organizer holds.
    with pytest.raises(services.NotAllowed):
        services.assign(store, SAM, CAMPAIGN, ["Ben Ortiz"], "Sam Lee", TODAY)


def _reads(store, monkeypatch, *methods: str) -> list[str]:
    """The store's reads of ``methods``, by name, as they happen."""
    reads: list[str] = []
    for name in methods:
        real = getattr(store, name)
        monkeypatch.setattr(store, name, lambda *a, _n=name, _real=real, **k: (
            reads.append(_n), _real(*a, **k))[1])
    return reads


def test_a_service_resolves_the_names_it_is_given_once_however_many(store, monkeypatch):
    # At 100k people `mapper assign` resolved each name twice (to read her, then to find her
    # in what was read), each time reading the campaign's aliases and its identity index.
    store.write([*small_campaign(), RosterRow(name="Zoe Quinn", custom_id="E-77",
                                              campaign=CAMPAIGN)])
    reads = _reads(store, monkeypatch, "aliases", "identity_records")
    done = services.assign(store, ADMIN, CAMPAIGN, ["Ana Lopez", "ben ortiz", "Cam Lee",
                                                    "Zoe Quinn"], "Maya Ortiz", TODAY)
    assert [k for k, _, _ in done.people][-1] == identity_key(CAMPAIGN, "E-77")
    # Once for the names, once for the other spellings they are assigned under.
    assert sorted(reads) == ["aliases", "aliases", "identity_records"]
    reads.clear()
    services.log_update(store, ADMIN, CAMPAIGN, "Ana Lopez", update="note", note="x", date=TODAY)
    assert sorted(reads) == ["aliases", "identity_records"]


def test_contact_details_follow_the_role_rule(store):
    store.write(small_campaign())
    services.assign(store, ADMIN, CAMPAIGN, ["Ana Lopez"], "Sam Lee", TODAY)
    assert services.contact_details(store, SAM, CAMPAIGN, "Ana Lopez") == {
        "phone": "+15550100", "email": "secret-email@example.org"}
    assert services.contact_details(store, MAYA, CAMPAIGN, "Ana Lopez") is not None  # talked
    assert services.contact_details(store, Actor("organizer", "Lee Chu"), CAMPAIGN, "Ana Lopez") is None
    assert services.contact_details(store, VIEWER, CAMPAIGN, "Ana Lopez") is None


@pytest.mark.parametrize("kind", ["conversation", "update", "assignment"])
def test_deleting_a_record_leaves_the_store_as_if_it_had_never_been_imported(store, kind):
    base = small_campaign()
    extra = {
        "conversation": conversation("Eve Sol", "2026-11-25", unit="Oncology", organizer="Sam Lee",
                                     ask={"asked": True, "action": "sign", "response": "yes"}),
        "update": Update(date="2026-11-28", person="Ana Lopez", update="assessment",
                         assessment=2, reason="SECRET REASON", campaign=CAMPAIGN),
        "assignment": Assignment(person="Cam Lee", organizer="Lee Chu", date="2026-11-28",
                                 campaign=CAMPAIGN),
    }[kind]
    # (One Neo4j database per test: the store that never had it is the same one, before.)
    store.write(base)
    never = _state(store)
    store.clear()
    store.write(base + [extra])
    assert _state(store) != never
    key = {"conversation": conversation_key(CAMPAIGN, getattr(extra, "id", "")),
           "update": f"update:{CAMPAIGN}:{getattr(extra, 'id', '')}",
           "assignment": f"assignment:{CAMPAIGN}:cam lee"}[kind]
    gone = services.delete_record(store, ADMIN, key)
    assert (gone.kind, gone.count) == (kind, 1)
    assert _state(store) == never


def test_a_1on1_or_an_update_is_deleted_by_its_own_id_within_a_campaign(store):
    talk = conversation("Eve Sol", "2026-11-25", organizer="Sam Lee")
    store.write(small_campaign() + [talk])
    with pytest.raises(services.NotFound, match="--campaign"):
        services.delete_record(store, ADMIN, talk.id)
    with pytest.raises(services.NotAllowed):
        services.delete_record(store, MAYA, talk.id, CAMPAIGN)  # Sam's, not hers
    assert services.delete_record(store, SAM, talk.id, CAMPAIGN).kind == "conversation"
    logged = services.log_update(store, MAYA, CAMPAIGN, "Ana Lopez", update="note", note="n",
                                 date=TODAY)
    with pytest.raises(services.NotAllowed):
        services.delete_record(store, SAM, logged.update.id, CAMPAIGN)
    assert services.delete_record(store, MAYA, logged.update.id, CAMPAIGN).kind == "update"
    with pytest.raises(services.NotAllowed):
        services.delete_record(store, MAYA, f"roster:{CAMPAIGN}:ana lopez")
    with pytest.raises(services.NotFound) as missing:
        services.delete_record(store, ADMIN, "update:test-campaign:2026-01-01-zoe-secretname-note")
    assert "secretname" not in str(missing.value)


def test_an_export_of_updates_and_assignments_reimports_unchanged(store):
    store.write(small_campaign())
    for fields in ({"update": "thank_you_sent"}, {"update": "assignment_not_done"},
                   {"update": "commitment_kept"}, {"update": "commitment_missed"},
                   {"update": "attempt", "outcome": "left"},
                   {"update": "attempt", "outcome": "not-now", "asked": True},
                   {"update": "assessment", "assessment": 3, "reason": "SECRET REASON"},
                   {"update": "note", "note": "SECRET NOTE"}):
        services.log_update(store, ADMIN, CAMPAIGN, "Ana Lopez", date=TODAY, **fields)
    services.assign(store, ADMIN, CAMPAIGN, ["Ben Ortiz"], "Maya Ortiz", TODAY)
    services.unassign(store, ADMIN, CAMPAIGN, ["Ben Ortiz"], TODAY)
    lines = list(store.export(CAMPAIGN))
    records = []
    for line in lines:
        body = json.loads(line)
        records.append(RECORD_KINDS[body.pop("record_type")].model_validate(body))
    assert sum(isinstance(r, Update) for r in records) == 8
    result = store.write(records)
    assert (result.added, result.replaced, result.unchanged) == (0, 0, len(records))
    before = _state(store)
    store.clear()
    store.write(records)
    assert _state(store) == before


def test_the_timeline_shows_updates_and_the_assignment_and_where_facts_came_from(store):
    store.write([roster("Ana Lopez"), conversation("Ana Lopez", "2026-11-20", unit="Oncology")])
    services.log_update(store, ADMIN, CAMPAIGN, "Ana Lopez", update="thank_you_sent", date=TODAY)
    services.assign(store, ADMIN, CAMPAIGN, ["Ana Lopez"], "Sam Lee", TODAY)
    found = services.person_timeline(store, CAMPAIGN, "ana lopez")
    assert [r["record_type"] for r in found["records"]] == ["conversation", "update", "assignment"]
    assert found["assigned_to"] == "Sam Lee" and found["facts"]["unit"] == "Oncology"
    assert {"fact": "unit", "source": "conversation", "date": "2026-11-20"} in found["sources"]
    assert services.person_timeline(store, CAMPAIGN, "Nobody Here") is None


def test_the_person_page_reads_a_timeline_and_contact_details_from_the_snapshot_it_holds(
        store, monkeypatch):
    # Building a snapshot reads the whole campaign (seconds at 100k people): the Person page
    # holds the cached one and must not build two more on every view.
    store.write([roster("Ana Lopez"), conversation("Ana Lopez", "2026-11-20", unit="Oncology")])
    snap = store.snapshot(CAMPAIGN)
    expected = services.person_timeline(store, CAMPAIGN, "ana lopez")
    details = services.contact_details(store, ADMIN, CAMPAIGN, "Ana Lopez")

    def built(campaign):
        raise AssertionError("a snapshot was built")

    monkeypatch.setattr(store, "snapshot", built)
    assert services.person_timeline(store, CAMPAIGN, "ana lopez", snapshot=snap) == expected
    assert services.contact_details(store, ADMIN, CAMPAIGN, "Ana Lopez", snapshot=snap) == details


def test_a_name_that_is_no_name_among_others_blames_itself_alone(tmp_path):
    """One blank name in a list stopped every other name being matched to the person of that
    name known by a custom id: `assign` said the first person was no one, not the blank."""
    from mapper.stores.sqlite import SQLiteStore

    store = SQLiteStore(tmp_path / "s.db")
    store.write([RosterRow(name="Zoe Quinn", custom_id="E-77", campaign="acme")])
    (zoe,) = services.person_keys(store, "acme", ["Zoe Quinn"])
    assert zoe.startswith("person:acme:#")
    assert services.person_keys(store, "acme", ["Zoe Quinn", " "])[0] == zoe
    with pytest.raises(services.NotFound, match="PERSON #2"):
        services.assign(store, Actor("admin"), "acme", ["Zoe Quinn", " "], "Maya Ortiz")
    store.close()


def test_closing_someone_elses_item_reads_her_alone_not_the_campaign(store, monkeypatch):
    """``mapper log PERSON --done ID`` for an item that is not that person's says whether it
    is another person's: that was told by the whole campaign's snapshot (4.5 s at 100k
    people, for an answer of no). The 1-on-1 the id names says whose it could be, aliases
    followed, and her snapshot alone whether it is open."""
    from mapper.models import AliasRow

    unthanked = {"follow_up": {"thank_you_sent": False}}
    store.write([conversation("Ana Lopez", "2026-11-20", id="ana-1", **unthanked),
                 conversation("Ben O.", "2026-11-21", id="ben-1", **unthanked,
                              contact={"name": "Ben O.", "custom_id": "#e-77", "unit": "ICU"}),
                 conversation("Cam L", "2026-11-22", id="cam-1", organizer="Sam Lee",
                              **unthanked),
                 AliasRow(kind="person", alias="Cam L", canonical="Cam Lee", campaign=CAMPAIGN)])
    monkeypatch.setattr(type(store), "snapshot", lambda *a, **k: pytest.fail("whole campaign"))
    for item in ("thank_you:ben-1", "thank_you:cam-1"):
        with pytest.raises(services.NotFound, match="another person's"):
            services.close_item(store, ADMIN, CAMPAIGN, "Ana Lopez", item, TODAY)
    for item in ("thank_you:no-such", "thank_you:", "assignment:ana-1"):
        with pytest.raises(services.NotFound, match="no open follow-up item"):
            services.close_item(store, ADMIN, CAMPAIGN, "Ana Lopez", item, TODAY)
    done = services.close_item(store, ADMIN, CAMPAIGN, "Cam Lee", "thank_you:cam-1", TODAY)
    assert (done.update.update, done.update.conversation) == ("thank_you_sent", "cam-1")
    with pytest.raises(services.NotFound, match="no open follow-up item"):  # closed now
        services.close_item(store, SAM, CAMPAIGN, "Ben O.", "thank_you:cam-1", TODAY)
