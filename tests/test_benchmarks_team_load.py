"""The team-under-load benchmark's own arithmetic: what it calls a lost write, how it names a
request, its percentiles (the run itself is measured by hand, never asserted)."""

from __future__ import annotations

import json

from benchmarks.serve_load import percentile
from benchmarks.team_load import _label, read_back
from dashboard.users import User
from mapper.readers import RawRecord, validate
from mapper.services import post_records
from mapper.stores.sqlite import SQLiteStore


def _write(n: int, organizer: str = "Ana Organizer") -> dict:
    return {"status": 201, "record": {
        "date": "2026-12-01", "organizer": organizer, "campaign": "c",
        "contact": {"name": f"Worker {n}", "unit": "Unit A"},
        "issues": [{"issue": "short staffing", "anger": 3}], "assessment": 2}}


def _post(store: SQLiteStore, write: dict) -> None:
    record, errors = validate(RawRecord("request", 1, "conversation", write["record"],
                                        counted=True, number=1, tagged=True), "c")
    assert not errors
    post_records(store, User("ana", "organizer", "Ana Organizer"), [record])


def test_an_accepted_write_the_store_does_not_hold_is_counted_lost(tmp_path):
    store = SQLiteStore(tmp_path / "s.db")
    kept, missing = _write(1), _write(2)
    _post(store, kept)
    back = read_back(store, [kept, missing], "c")
    assert (back["accepted"], back["found"], back["lost"]) == (2, 1, 1)


def test_a_write_the_api_refused_is_not_read_back(tmp_path):
    store = SQLiteStore(tmp_path / "s.db")
    refused = {**_write(3), "status": 403}
    back = read_back(store, [refused], "c")
    assert (back["accepted"], back["lost"], back["not_accepted_but_stored"]) == (0, 0, 0)


def test_a_write_that_timed_out_but_landed_is_counted_as_stored_anyway(tmp_path):
    store = SQLiteStore(tmp_path / "s.db")
    timed_out = {**_write(5), "status": 0}
    _post(store, timed_out)
    back = read_back(store, [timed_out], "c")
    assert (back["accepted"], back["not_accepted"], back["not_accepted_but_stored"]) == (0, 1, 1)


def test_a_record_stored_under_another_organizer_is_lost(tmp_path):
    store = SQLiteStore(tmp_path / "s.db")
    _post(store, _write(4))
    back = read_back(store, [_write(4, organizer="Someone Else")], "c")
    assert back["lost"] == 1


def test_a_callback_is_named_by_its_first_output_and_how_many_more():
    def label(output: str) -> str:
        return _label({"method": "POST", "path": "/_dash-update-component?endId=x",
                       "body": json.dumps({"output": output})})

    assert label("..ready-grid.rowData...ready-cards.children...ready-count.children..") == \
        "callback ready-grid.rowData (+2)"
    assert label("navigate.href@151efd8a") == "callback navigate.href"
    assert _label({"method": "GET", "path": "/person?key=secret", "body": None}) == "GET /person"


def test_percentiles_are_nearest_rank():
    times = [i / 100 for i in range(1, 101)]
    assert (percentile(times, 0.5), percentile(times, 0.95), percentile(times, 1.0)) == \
        (0.5, 0.95, 1.0)
    assert percentile([7.0], 0.95) == 7.0
