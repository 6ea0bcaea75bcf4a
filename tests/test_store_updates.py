"""What happened after the 1-on-1 as records: updates, contact assignments, deletions, and the
roster's day. Each test runs on the embedded store and on a real Neo4j."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest

from mapper.importer import import_files
from mapper.models import Assignment, Update
from mapper.projection import conversation_key
from mapper.stores.base import Store
from mapper.stores.sqlite import SQLiteStore
from tests.records import CAMPAIGN, alias, conversation, roster, small_campaign


def update(person: str = "Ana Lopez", what: str = "attempt", date: str = "2026-11-21", **fields) -> Update:
    if what == "attempt":
        fields.setdefault("outcome", "no_answer")
    return Update.model_validate({"date": date, "person": person, "update": what,
                                  "campaign": CAMPAIGN, **fields})


def the_week() -> list:
    return [
        update("Ana Lopez", "thank_you_sent", conversation="ana-second", organizer="Maya Ortiz"),
        update("Ana Lopez", "commitment_kept", date="2026-12-01"),
        update("Cam Lee", "attempt", outcome="not-now", asked=True),
        update("Cam Lee", "assessment", assessment=3, reason="SECRET REASON"),
        update("Cam Lee", "note", note="SECRET NOTE"),
        Assignment(person="Dee Park", organizer="Maya Ortiz", date=dt.date(2026, 11, 22), campaign=CAMPAIGN),
    ]


def test_updates_and_assignments_reach_the_snapshot_without_their_words(store: Store):
    store.write([*small_campaign(), *the_week()])
    snap = store.snapshot(CAMPAIGN)
    kinds = sorted((u.update, u.outcome) for u in snap.updates)
    assert kinds == [("assessment", None), ("attempt", "not_now"), ("commitment_kept", None),
                     ("note", None), ("thank_you_sent", None)]
    (attempt,) = [u for u in snap.updates if u.update == "attempt"]
    assert attempt.asked is True and attempt.person == "person:test-campaign:cam lee"
    (thanks,) = [u for u in snap.updates if u.update == "thank_you_sent"]
    assert thanks.conversation == "ana-second" and thanks.organizer == "Maya Ortiz"
    dee = snap.assignments["person:test-campaign:dee park"]
    assert snap.organizers[dee.organizer] == "Maya Ortiz" and dee.date == dt.date(2026, 11, 22)
    assert "SECRET" not in repr(snap)


def test_resending_updates_changes_nothing_and_a_new_assignment_reassigns(store: Store):
    store.write([*small_campaign(), *the_week()])
    version = store.version()
    again = store.write(the_week())
    assert (again.written, again.unchanged) == (0, len(the_week()))
    assert store.version() == version
    store.write([Assignment(person="Dee Park", organizer="Jo Kim", campaign=CAMPAIGN)])
    snap = store.snapshot(CAMPAIGN)
    assert snap.organizers[snap.assignments["person:test-campaign:dee park"].organizer] == "Jo Kim"
    assert store.counts()["records"]["assignment"] == 1
    store.write([Assignment(person="Dee Park", organizer=None, campaign=CAMPAIGN)])
    assert store.snapshot(CAMPAIGN).assignments == {}


def test_an_export_of_updates_and_assignments_re_imports_unchanged(store: Store, tmp_path):
    store.write([*small_campaign(), *the_week()])
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join(store.export()) + "\n")
    fresh = SQLiteStore(tmp_path / "fresh.db")
    report = import_files(fresh, [dump])
    assert report.ok, [str(e) for e in report.errors]
    assert list(fresh.export()) == list(store.export())
    assert fresh.snapshot(CAMPAIGN) == store.snapshot(CAMPAIGN)
    assert import_files(store, [dump]).result.written == 0


@pytest.mark.parametrize("extra", [
    pytest.param(lambda: conversation("Eve Stone", "2026-11-22", unit="Lab",
                                      issues=[{"issue": "night parking", "anger": 5}]), id="a 1-on-1"),
    pytest.param(lambda: conversation("Ana Lopez", "2026-11-25", unit="ICU",
                                      ask={"asked": True, "action": "sign", "response": "yes"}),
                 id="a second 1-on-1 with someone"),
    pytest.param(lambda: update("Ana Lopez", "attempt", outcome="left"), id="an update"),
    pytest.param(lambda: Assignment(person="Eve Stone", organizer="Jo Kim", campaign=CAMPAIGN),
                 id="an assignment"),
    pytest.param(lambda: roster("Eve Stone", "Lab"), id="a roster row"),
    pytest.param(lambda: alias("issue", "mandatory overtime", "short staffing"), id="an alias"),
])
def test_deleting_a_record_leaves_the_store_as_if_it_was_never_written(store: Store, extra):
    record = extra()
    store.write([*small_campaign(), *the_week()])
    store.write([record])
    from mapper.projection import record_id

    assert store.delete([record_id(record)]) == 1
    never = SQLiteStore(":memory:")
    never.write([*small_campaign(), *the_week()])
    assert store.counts() == never.counts()
    assert sorted(store.export()) == sorted(never.export())
    assert store.snapshot(CAMPAIGN) == never.snapshot(CAMPAIGN)
    assert store.delete([record_id(record)]) == 0  # gone


def test_a_deleted_1_on_1_leaves_the_persons_history(store: Store):
    store.write(small_campaign())
    version = store.version()
    assert store.delete([conversation_key(CAMPAIGN, "ana-second")]) == 1
    assert store.version() > version
    assert [c.id for c in store.person_history(CAMPAIGN, "Ana Lopez")] == ["2026-11-01-ana-lopez"]


def test_an_update_missing_what_it_needs_is_refused_naming_the_field(store: Store, tmp_path):
    bad = tmp_path / "updates.yaml"
    bad.write_text("- {date: 2026-11-21, person: Ana Lopez, update: attempt, campaign: c}\n"
                   "- {date: 2026-11-21, person: Ana Lopez, update: note, campaign: c, outcome: refused,"
                   " note: SECRET WORDS}\n")
    report = import_files(store, [bad])
    errors = [str(e) for e in report.errors]
    assert len(errors) == 2, errors
    assert any(": outcome: " in e and "needs" in e for e in errors)
    assert any(": outcome: " in e and "does not belong" in e for e in errors)
    assert "SECRET" not in " ".join(errors) and "Ana" not in " ".join(errors)
    assert store.counts()["records"] == {}


def test_a_roster_file_without_a_day_is_as_of_the_day_it_was_saved(store: Store, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("name,unit,role,campaign\nAna Lopez,ICU,CNA,test-campaign\n")
    saved = dt.datetime(2026, 11, 10, 12, 0).timestamp()
    os.utime(path, (saved, saved))
    assert import_files(store, [path]).ok
    (row,) = store.iter_records(CAMPAIGN, "roster")
    assert row.body["as_of"] == "2026-11-10"
    assert import_files(store, [path]).result.written == 0  # the same file again changes nothing
    # A 1-on-1 after that day is the newest word on her role; one before it is not.
    store.write([conversation("Ana Lopez", "2026-11-05", contact={"name": "Ana Lopez", "role": "RN"})])
    ana = store.snapshot(CAMPAIGN).people["person:test-campaign:ana lopez"]
    assert ana.role == "CNA" and ana.conflicts == ("role",)
    store.write([conversation("Ana Lopez", "2026-11-20", contact={"name": "Ana Lopez", "role": "RN"})])
    assert store.snapshot(CAMPAIGN).people["person:test-campaign:ana lopez"].role == "RN"
