"""The store contract: the embedded store and Neo4j behave the same, test for test."""

from __future__ import annotations

import datetime as dt

import dataclasses
import json

import pytest

from mapper.importer import import_files
from mapper.stores.base import Store, StoredRecord
from tests.records import CAMPAIGN, alias, conversation, hierarchy, roster, small_campaign, tie


def test_a_new_store_is_empty(store: Store):
    assert store.counts() == {"nodes": {}, "edges": {}, "records": {}}
    assert store.record_count() == 0
    assert store.campaigns() == []


def test_campaigns_are_those_holding_records_in_name_order(store: Store):
    from mapper.models import AliasRow, RosterRow

    store.write([RosterRow(name="Ana Lopez", unit="ICU", campaign="b-hospital"),
                 AliasRow(kind="issue", alias="ot", canonical="overtime", campaign="c-only-alias"),
                 RosterRow(name="Ben Ortiz", unit="ER", campaign="a-clinic"),
                 conversation("Cam Lee", "2026-11-05", unit="ER")])
    assert store.campaigns() == sorted(["a-clinic", "b-hospital", "c-only-alias", CAMPAIGN])
    store.delete([r.id for r in store.iter_records("b-hospital")])
    assert store.campaigns() == sorted(["a-clinic", "c-only-alias", CAMPAIGN])


def test_writing_a_campaign_builds_its_graph(store: Store):
    result = store.write(small_campaign())
    assert (result.added, result.replaced, result.unchanged) == (11, 0, 0)
    counts = store.counts()
    assert counts["records"] == {"conversation": 3, "hierarchy": 2, "roster": 4, "tie": 2}
    assert counts["nodes"]["Person"] == 4
    # "Short-Staffing" and "short staffing" are one issue: punctuation and case do not count.
    assert counts["nodes"]["Issue"] == 3
    assert counts["nodes"]["Conversation"] == 3
    assert counts["edges"]["REPORTS_TO"] == 1
    assert store.record_count() == 11  # every record, of every campaign
    assert store.campaigns() == [CAMPAIGN]


def test_resending_a_record_changes_nothing(store: Store):
    store.write(small_campaign())
    before, version = store.counts(), store.version()
    again = store.write(small_campaign())
    assert (again.added, again.replaced, again.unchanged) == (0, 0, 11)
    assert store.counts() == before
    assert store.version() == version


def test_a_corrected_record_replaces_exactly_what_it_produced(store: Store):
    store.write(small_campaign())
    before = store.counts()
    corrected = conversation("Cam Lee", "2026-11-05", unit="ER",
                             issues=[{"issue": "short staffing", "anger": 4}], assessment=2)
    result = store.write([corrected])
    assert (result.added, result.replaced) == (0, 1)
    after = store.counts()
    # Parking was only ever mentioned by Cam: the issue and its edge are gone.
    assert after["nodes"]["Issue"] == before["nodes"]["Issue"] - 1
    assert after["edges"]["ANGRY_ABOUT"] == before["edges"]["ANGRY_ABOUT"] - 1
    assert after["records"] == before["records"]
    snap = store.snapshot(CAMPAIGN)
    assert {(a.person, a.issue) for a in snap.anger if a.conversation == corrected.id} == {
        ("person:test-campaign:cam lee", "issue:test-campaign:short staffing")}


def test_every_edge_remembers_the_conversation_it_came_from(store: Store):
    store.write(small_campaign())
    snap = store.snapshot(CAMPAIGN)
    ids = {c.id for c in snap.conversations}
    assert ids == {"2026-11-01-ana-lopez", "2026-11-05-cam-lee", "ana-second"}
    assert {a.conversation for a in snap.anger} == ids
    assert {n.conversation for n in snap.named} == {"2026-11-01-ana-lopez"}


def test_a_failing_batch_leaves_the_store_as_it_was(store: Store):
    store.write(small_campaign())
    before, snap_before = store.counts(), store.snapshot(CAMPAIGN)
    good = conversation("Cam Lee", "2026-11-05", unit="ER", issues=[], assessment=5)
    from mapper.stores.base import stored

    ok = stored(good, store.aliases())
    poisoned_edge = ok.projection.edges[0]._replace(props={"bad": object()})
    poisoned = dataclasses.replace(ok, projection=dataclasses.replace(
        ok.projection, edges=[*ok.projection.edges[1:], poisoned_edge]))
    with pytest.raises(Exception):
        store._apply([poisoned])
    assert store.counts() == before
    assert store.snapshot(CAMPAIGN) == snap_before


def test_a_write_expecting_versions_no_longer_stored_writes_nothing(store: Store):
    """A write decided from what was read (a contact free to take) says which version of
    each record it read; when another writer's version is stored by the time it runs, none
    of it is written and the writer hears so (:class:`~mapper.stores.base.Changed`)."""
    from mapper.models import Assignment
    from mapper.projection import record_id
    from mapper.stores.base import Changed

    store.write(small_campaign())
    take = [Assignment(person=p, organizer="Maya Ortiz", campaign=CAMPAIGN)
            for p in ("Cam Lee", "Dee Park")]
    cam, dee = (record_id(r) for r in take)
    store.write([Assignment(person="Cam Lee", organizer="Dev Patel", campaign=CAMPAIGN)])
    before, held = store.counts(), {r.id: r.hash for r in store.get_records([cam])}
    for expect in ({cam: None, dee: None}, {cam: "another version", dee: None},
                   {cam: held[cam], dee: "a version never stored"}):
        with pytest.raises(Changed):
            store.write(take, expect=expect)
        assert store.counts() == before and store.assignees(CAMPAIGN) == {
            f"person:{CAMPAIGN}:cam lee": "Dev Patel"}
    written = store.write(take, expect={cam: held[cam], dee: None})
    assert (written.added, written.replaced) == (1, 1)
    assert set(store.assignees(CAMPAIGN).values()) == {"Maya Ortiz"}


def test_record_organizers_says_whose_each_stored_record_is(store: Store):
    """What keeps two organizers' 1-on-1s apart (mapper.apart) reads, for a batch at once:
    the organizer of each stored 1-on-1 and update of the ids asked, as written (None for an
    update naming none), and the key of the person it is with or about, as the projection
    keyed her (by her custom id when it gives one); nothing for an id not stored, nor for a
    record of another kind."""
    from mapper.models import Update
    from mapper.projection import identity_key, record_id

    note = Update(date="2026-11-21", person="Ana Lopez", update="note", note="x",
                  campaign=CAMPAIGN)
    known = conversation("Li Ming", "2026-11-01", organizer="Dev Patel")
    known = known.model_copy(update={"id": "li-e7", "contact": known.contact.model_copy(
        update={"custom_id": "E-7"})})
    records = [conversation("Ana Lopez", "2026-11-01", organizer="Dev  Patel"), note,
               roster("Ana Lopez"), known]
    store.write(records)
    ids = [record_id(r) for r in records]
    ana = f"person:{CAMPAIGN}:ana lopez"
    assert store.record_organizers([*ids, "conversation:c:never"]) == {
        ids[0]: ("Dev  Patel", ana), ids[1]: (None, ana),
        ids[3]: ("Dev Patel", identity_key(CAMPAIGN, "E-7"))}
    assert store.record_organizers([]) == {}


def test_a_file_changed_between_check_and_second_read_writes_nothing(store: Store, tmp_path,
                                                                     monkeypatch):
    import mapper.importer as importer

    monkeypatch.setattr(importer, "KEEP_LIMIT", 0)  # as past 200k records: the write reads again
    roster_csv = tmp_path / "roster.csv"
    roster_csv.write_text("name,unit,campaign\nAna Lopez,ICU,c1\n")
    report = importer.check_files([roster_csv])
    assert report.ok and report.kept is None
    roster_csv.write_text("name,unit,campaign\nAna Lopez,ICU,c1\nBen Ortiz,ER,c1\n")
    report = importer.write_checked(store, [roster_csv], report)
    assert report.result is None
    assert [str(e) for e in report.errors] == [
        f"{roster_csv} (file): changed since it was checked; import it again"]
    assert store.counts()["records"] == {}


def test_import_with_one_bad_record_writes_nothing_and_names_it(store: Store, tmp_path):
    good = tmp_path / "roster.csv"
    good.write_text("name,unit,campaign\nAna Lopez,ICU,c1\n")
    bad = tmp_path / "talks.yaml"
    bad.write_text("- date: 2026-11-20\n  organizer: Maya\n  contact: {name: Ana Lopez}\n"
                   "- id: talk-2\n  date: 2026-11-21\n  organizer: Maya\n  contact: {name: Ben}\n"
                   "  issues: [{issue: pay, anger: 7, story: PRIVATE}]\n")
    report = import_files(store, [good, bad], campaign="c1")
    assert report.result is None
    assert [str(e) for e in report.errors] == [
        f"{bad}:4 (record 2): issues.0.anger: Input should be less than or equal to 5"]
    assert "PRIVATE" not in str(report.errors[0])
    assert store.counts() == {"nodes": {}, "edges": {}, "records": {}}


def test_skip_invalid_writes_the_good_records_and_saves_the_rejected(store: Store, tmp_path):
    bad = tmp_path / "talks.yaml"
    bad.write_text("- date: 2026-11-20\n  organizer: Maya\n  contact: {name: Ana Lopez}\n"
                   "- date: 2026-11-21\n  organizer: Maya\n  contact: {name: Ben}\n  assessment: 9\n")
    rejected = tmp_path / "rejected.jsonl"
    report = import_files(store, [bad], campaign="c1", skip_invalid=True, rejected_path=rejected)
    assert report.result.added == 1
    assert store.counts()["records"] == {"conversation": 1}
    saved = [json.loads(line) for line in rejected.read_text().splitlines()]
    assert [s["contact"]["name"] for s in saved] == ["Ben"]


def test_an_alias_merges_two_spellings_and_rebuilds_the_graph(store: Store):
    store.write(small_campaign())
    assert store.counts()["nodes"]["Issue"] == 3
    store.write([alias("issue", "mandatory overtime", "short staffing")])
    snap = store.snapshot(CAMPAIGN)
    assert set(snap.issues) == {"issue:test-campaign:short staffing", "issue:test-campaign:parking costs"}
    # Later records with the alias land on the canonical issue too.
    store.write([conversation("Ben Ortiz", "2026-11-18", issues=[{"issue": "Mandatory Overtime", "anger": 3}])])
    assert store.counts()["nodes"]["Issue"] == 2


def test_person_history_lists_their_conversations_oldest_first(store: Store):
    store.write(small_campaign())
    history = store.person_history(CAMPAIGN, "  ana   LOPEZ ")
    assert [r.id for r in history] == ["2026-11-01-ana-lopez", "ana-second"]
    assert history[0].contact.phone == "+15550100"  # the full record, for those allowed
    assert store.person_history(CAMPAIGN, "Nobody") == []


def test_people_are_found_by_part_of_their_name(store: Store):
    store.write(small_campaign())
    hits = store.search_people(CAMPAIGN, "LEE")
    assert [(h.name, h.conversations) for h in hits] == [("Cam Lee", 1)]
    assert [h.name for h in store.search_people(CAMPAIGN, "o")] == ["Ana Lopez", "Ben Ortiz"]
    assert store.search_people(CAMPAIGN, "100%") == []


def test_people_known_by_a_custom_id_are_found_by_part_of_their_name(store: Store):
    """Keyed by an opaque hash of her id, not her name: the search looked at keys only and
    found no one on a roster with employee numbers."""
    from mapper.models import RosterRow
    from mapper.projection import identity_key

    store.write([*small_campaign(), RosterRow(name="Zoe Quinn", custom_id="E-77",
                                              campaign=CAMPAIGN)])
    assert [(h.key, h.name) for h in store.search_people(CAMPAIGN, "quinn")] == [
        (identity_key(CAMPAIGN, "E-77"), "Zoe Quinn")]
    assert store.search_people(CAMPAIGN, "lee")[0].name == "Cam Lee"
    # Her name as keys are made of names: punctuation, spacing and case (accents too) aside.
    store.write([RosterRow(name="Ángela O'Neill-Ruiz", custom_id="E-78", campaign=CAMPAIGN)])
    for query in ("o neill", "O'Neill", "ángela", "ÁNGELA", "neill ruiz"):
        assert [h.name for h in store.search_people(CAMPAIGN, query)] == [
            "Ángela O'Neill-Ruiz"], query


def test_a_persons_unit_and_role_come_from_the_newest_source_that_states_them(store: Store):
    newer_roster = roster("Ana Lopez", "ICU").model_copy(update={"as_of": dt.date(2026, 11, 25),
                                                                 "role": "CNA"})
    store.write([conversation("Ana Lopez", "2026-11-20", unit="ER", contact={
        "name": "Ana Lopez", "unit": "ER", "role": "RN"}), newer_roster])
    ana = store.snapshot(CAMPAIGN).people["person:test-campaign:ana lopez"]
    assert (ana.unit, ana.role) == ("ICU", "CNA")
    assert ("unit", "roster", "2026-11-25") in ana.sources
    assert set(ana.conflicts) == {"unit", "role"}
    # A 1-on-1 after the roster's day says where she is now.
    store.write([conversation("Ana Lopez", "2026-11-28", contact={"name": "Ana Lopez", "unit": "ER",
                                                                   "role": "RN"})])
    ana = store.snapshot(CAMPAIGN).people["person:test-campaign:ana lopez"]
    assert (ana.unit, ana.role) == ("ER", "RN")
    assert ("role", "conversation", "2026-11-28") in ana.sources


def test_a_roster_row_without_a_unit_still_counts_as_on_the_roster(store: Store):
    from mapper.models import RosterRow

    store.write([RosterRow(name="Eve Diaz", campaign=CAMPAIGN), roster("Ana Lopez", "ICU")])
    people = store.snapshot(CAMPAIGN).people
    assert people["person:test-campaign:eve diaz"].in_roster is True
    assert people["person:test-campaign:eve diaz"].unit is None
    assert people["person:test-campaign:ana lopez"].unit == "ICU"


def test_the_snapshot_holds_no_personal_details(store: Store):
    store.write(small_campaign())
    text = repr(store.snapshot(CAMPAIGN))
    for secret in ("SECRET", "5550100", "secret-email"):
        assert secret not in text


def test_the_graph_carries_no_setting_or_self_care_text():
    from mapper.projection import project

    talk = conversation(space={"setting": "SECRET SETTING"},
                        self_care={"tools_offered": ["SECRET TOOL"]})
    graph = repr(project(talk))
    assert "SECRET SETTING" not in graph and "SECRET TOOL" not in graph


def test_the_snapshot_carries_every_step_of_the_rap(store: Store):
    store.write(small_campaign())
    snap = store.snapshot(CAMPAIGN)
    first = next(c for c in snap.conversations if c.id == "2026-11-01-ana-lopez")
    assert (first.hope, first.wants_to_talk_again, first.cares_about_problem) == (4, True, True)
    # That there is an action and a fear; their words stay in the record (tests/test_graph_privacy.py).
    assert first.commitment.response == "yes" and first.commitment.has_action is True
    assert first.fears_count == 1 and first.has_assignment is True
    assert first.follow_up_due.isoformat() == "2026-11-27" and first.thank_you_sent is False
    assert snap.skills == {"person:test-campaign:ana lopez": ["spanish translation"]}
    assert snap.decision_makers["dm:test-campaign:ivy chen"].reports_to == "dm:test-campaign:carl reyes"
    kinds = sorted((t.a.split(":")[-1], t.b.split(":")[-1], t.kind) for t in snap.ties)
    assert kinds == [("ana lopez", "ben ortiz", "tie"), ("ana lopez", "dee park", "referral"),
                     ("ben ortiz", "cam lee", "tie")]
    assert snap.people["person:test-campaign:dee park"].contacted is False
    assert snap.people["person:test-campaign:dee park"].in_roster is True


def test_export_lists_every_record_once_in_import_order(store: Store):
    store.write(small_campaign())
    lines = [json.loads(line) for line in store.export()]
    assert [line["record_type"] for line in lines] == (
        ["roster"] * 4 + ["hierarchy"] * 2 + ["conversation"] * 3 + ["tie"] * 2)
    assert [line["id"] for line in lines if line["record_type"] == "conversation"] == [
        "2026-11-01-ana-lopez", "2026-11-05-cam-lee", "ana-second"]


def test_an_export_with_aliases_imports_into_a_fresh_store_as_the_same_graph(store: Store, tmp_path,
                                                                          open_store_of_kind):
    store.write([alias("issue", "Mandatory OT", "mandatory overtime"), *small_campaign()])
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join(store.export()) + "\n")
    fresh = open_store_of_kind("sqlite")
    report = import_files(fresh, [dump])
    assert report.ok, [str(e) for e in report.errors]
    assert fresh.counts() == store.counts()
    assert fresh.snapshot(CAMPAIGN) == store.snapshot(CAMPAIGN)


def test_an_import_too_big_to_keep_streams_and_writes_the_same_graph(store: Store, tmp_path,
                                                                     open_store_of_kind, monkeypatch):
    import mapper.importer as importer

    lines = [json.dumps({"date": f"2026-11-{d:02d}", "organizer": "Maya", "campaign": "c1",
                         "contact": {"name": f"Person {d}", "unit": "ICU"},
                         "issues": [{"issue": "pay", "anger": 9 if d == 7 else 4}]})
             for d in range(1, 26)]
    talks = tmp_path / "talks.jsonl"
    talks.write_text("\n".join(lines) + "\n")
    kept = open_store_of_kind("sqlite")
    in_memory = import_files(kept, [talks], skip_invalid=True)
    monkeypatch.setattr(importer, "KEEP_LIMIT", 5)
    monkeypatch.setattr(importer, "WRITE_CHUNK", 4)
    streamed = import_files(store, [talks], skip_invalid=True)
    assert streamed.result.added == in_memory.result.added == 24
    assert [e.record for e in streamed.errors] == ["record 7"]  # reported once
    assert store.counts() == kept.counts()


def test_node_names_are_the_snapshots_names_of_each_kind(store: Store):
    store.write(small_campaign())
    snap = store.snapshot(CAMPAIGN)
    assert sorted(store.node_names(CAMPAIGN, "Issue")) == sorted(snap.issues.values())
    assert sorted(store.node_names(CAMPAIGN, "DecisionMaker")) == sorted(
        d.name for d in snap.decision_makers.values())
    assert sorted(store.node_names(CAMPAIGN, "Organizer")) == sorted(snap.organizers.values())
    assert {p.unit for p in snap.people.values() if p.unit} <= set(
        store.node_names(CAMPAIGN, "Unit"))
    assert store.node_names("another-campaign", "Issue") == []


def test_a_persons_snapshot_answers_her_page_as_the_campaigns_does(store: Store):
    from dashboard.tables import person_ties
    from mapper.analytics.status import person_status
    from mapper.models import Assignment, Update
    from mapper.roles import sees_contact_details, Actor
    from mapper.services import person_timeline

    store.write([*small_campaign(), tie("Ana Lopez", "Dee Park", "carpool"),
                 Update(date="2026-11-20", person="Ben Ortiz", update="attempt", outcome="no_answer",
                        campaign=CAMPAIGN),
                 Assignment(person="Dee Park", organizer="Maya Ortiz", campaign=CAMPAIGN)])
    full = store.snapshot(CAMPAIGN)
    assert full.ties  # the campaign has ties to compare
    maya = Actor("organizer", "Maya Ortiz")
    for key, person in full.people.items():
        mine = store.person_snapshot(CAMPAIGN, key)
        assert mine.people[key] == person
        assert person_ties(mine, key) == person_ties(full, key)
        assert person_status(mine)[key] == person_status(full)[key]
        assert person_timeline(store, CAMPAIGN, person.name, snapshot=mine) == \
            person_timeline(store, CAMPAIGN, person.name, snapshot=full)
        assert sees_contact_details(maya, key, mine) == sees_contact_details(maya, key, full)


def test_her_history_holds_the_updates_about_her_while_an_alias_re_projects_the_campaign(
        store: Store):
    """An alias moved from one person to another: until the re-projection has reached an
    update, its record still names whom the old alias said. Her history is read as the aliases
    say now all the same: the note about Ana Lee is never on Ana Lopez's."""
    from mapper.models import Update
    from mapper.services import person_timeline

    store.write([roster("Ana Lopez"), roster("Ana Lee"), alias("person", "Ana L", "Ana Lopez"),
                 Update(date="2026-11-20", person="Ana L", update="note", note="about Ana Lee",
                        campaign=CAMPAIGN)])
    store.resume = lambda: 0  # (the re-projection left undone: as a reader sees it meanwhile)
    store.write([alias("person", "Ana L", "Ana Lee")])

    def notes(key: str) -> list[str]:
        found = person_timeline(store, CAMPAIGN, key=f"person:{CAMPAIGN}:{key}")
        return [r["note"] for r in found["records"] if r["record_type"] == "update"]

    assert [w.campaign for w in store._pending()] == [CAMPAIGN]
    assert notes("ana lopez") == []
    assert notes("ana lee") == ["about Ana Lee"]
