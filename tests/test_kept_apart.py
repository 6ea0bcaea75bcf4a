"""Two organizers' 1-on-1s with one person on one day are two records (mapper.apart).

A 1-on-1 sent without an id takes one derived from its date and the contact's name, which does
not name the organizer: Sam Lee's 1-on-1 with Ana López replaced Maya Ortiz's of the same day
(`mapper import`), and the two in one file were refused. The command line runs in-process on
both stores (the embedded file, and Neo4j through ``NEO4J_URI``); the API, the form and an
upload are tested beside their other rules (test_server_accounts, test_dashboard_callbacks,
test_dashboard_upload).
"""

from __future__ import annotations

import json
from pathlib import Path

from mapper import importer
from mapper.apart import KeptApart
from mapper.importer import import_files
from mapper.models import OneOnOne, Update
from mapper.projection import conversation_key
from tests.records import CAMPAIGN
from tests.test_cli_loop import Mapper, mapper  # noqa: F401  (the CLI on both stores)

DAY = "2026-11-20"
MAYA = {"date": DAY, "organizer": "Maya Ortiz", "campaign": CAMPAIGN,
        "contact": {"name": "Ana López"}, "issues": [{"issue": "heat", "anger": 4}]}
SAM = {**MAYA, "organizer": "Sam Lee", "issues": [{"issue": "pay", "anger": 5}]}


def _file(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return path


def _talks(mapper: Mapper) -> list[tuple[str, str]]:
    """Ana's 1-on-1s as `mapper person` lists them: (organizer, issue)."""
    shown = mapper.json("person", "Ana López")
    return sorted((r["organizer"], r["issues"][0]["issue"]) for r in shown
                  if r["record_type"] == "conversation")


def test_two_organizers_files_of_one_day_with_one_person_keep_both_and_import_again_unchanged(
        mapper, tmp_path):
    maya, sam = _file(tmp_path / "maya.jsonl", MAYA), _file(tmp_path / "sam.jsonl", SAM)
    assert mapper("import", maya).startswith("1 added, 0 replaced, 0 unchanged")
    said = mapper("import", sam)
    assert said.startswith("1 added, 0 replaced, 0 unchanged")
    assert ("1 1-on-1(s) or update(s) kept apart from another organizer's with the same "
            "person that day") in " ".join(said.split())
    assert not {"Ana", "López", "Maya", "Sam", "Lee"} & set(said.split())  # no name, ever
    assert _talks(mapper) == [("Maya Ortiz", "heat"), ("Sam Lee", "pay")]
    before = mapper.state()
    for path in (maya, sam, sam, maya):
        assert mapper("import", path).startswith("0 added, 0 replaced, 1 unchanged")
    assert mapper.state() == before
    with mapper.store() as store:
        assert {r.id for r in store.iter_records(CAMPAIGN, "conversation")} == {
            conversation_key(CAMPAIGN, f"{DAY}-ana-lopez"),
            conversation_key(CAMPAIGN, f"{DAY}-ana-lopez-sam-lee")}


def test_one_file_with_two_organizers_1on1s_of_one_day_with_one_person_imports_both(
        mapper, tmp_path):
    both = _file(tmp_path / "team.jsonl", MAYA, SAM)
    got = mapper.json("import", both)
    assert (got["added"], got["kept_apart"]) == (2, 1)
    assert _talks(mapper) == [("Maya Ortiz", "heat"), ("Sam Lee", "pay")]
    again = mapper.json("import", both)
    assert (again["added"], again["replaced"], again["unchanged"]) == (0, 0, 2)
    # The same organizer twice is still one record given twice: refused, nothing written.
    for twice in ((MAYA, SAM, MAYA), (MAYA, SAM, {**SAM, "notes": "x"})):
        before = mapper.state()
        said = mapper("import", _file(tmp_path / "twice.jsonl", *twice), code=1)
        assert "twice.jsonl:3 (record 3): id: the same record id appears at" in said
        assert mapper.state() == before


def test_an_organizers_edit_replaces_her_own_1on1_never_the_other_organizers(mapper, tmp_path):
    mapper("import", _file(tmp_path / "team.jsonl", MAYA, SAM))
    for who, edited in (("Sam Lee", {**SAM, "issues": [{"issue": "overtime"}]}),
                        ("Maya Ortiz", {**MAYA, "issues": [{"issue": "parking"}]})):
        said = mapper("import", _file(tmp_path / "edit.jsonl", edited))
        assert said.startswith("0 added, 1 replaced, 0 unchanged"), (who, said)
    assert _talks(mapper) == [("Maya Ortiz", "parking"), ("Sam Lee", "overtime")]


def test_two_organizers_same_day_updates_about_one_person_in_a_file_are_two_records(
        mapper, tmp_path):
    attempt = {"record_type": "update", "date": DAY, "person": "Ana López", "campaign": CAMPAIGN,
               "update": "attempt", "outcome": "no_answer"}
    mapper("import", _file(tmp_path / "maya.jsonl", MAYA))
    updates = _file(tmp_path / "calls.jsonl", {**attempt, "organizer": "Maya Ortiz"},
                    {**attempt, "organizer": "Sam Lee"})
    got = mapper.json("import", updates)
    assert (got["added"], got["kept_apart"]) == (2, 1)
    assert mapper.json("import", updates)["unchanged"] == 2
    with mapper.store() as store:
        assert sorted(u.organizer for u in store.snapshot(CAMPAIGN).updates) == [
            "Maya Ortiz", "Sam Lee"]


def test_an_id_given_explicitly_still_names_its_record(mapper, tmp_path):
    """An admin's import of an id replaces what that id holds, whoever's it was."""
    mapper("import", _file(tmp_path / "maya.jsonl", MAYA))
    said = mapper("import", _file(tmp_path / "sam.jsonl", {**SAM, "id": f"{DAY}-ana-lopez"}))
    assert said.startswith("0 added, 1 replaced, 0 unchanged") and "kept apart" not in said
    assert _talks(mapper) == [("Sam Lee", "pay")]


def test_a_resend_lands_on_the_organizers_own_record_after_the_other_is_deleted(
        mapper, tmp_path):
    sam = _file(tmp_path / "sam.jsonl", SAM)
    mapper("import", _file(tmp_path / "maya.jsonl", MAYA))
    mapper("import", sam)
    mapper("delete", f"{DAY}-ana-lopez", "--campaign", CAMPAIGN, "--yes")
    assert mapper("import", sam).startswith("0 added, 0 replaced, 1 unchanged")
    assert _talks(mapper) == [("Sam Lee", "pay")]


def test_a_big_import_read_again_as_it_is_written_reads_whose_ids_are_once_a_chunk(
        store, tmp_path, monkeypatch):
    """Past KEEP_LIMIT the files are read a second time as they are written, a row at a time:
    whose the ids are is still read a chunk of rows ahead, not once a row, and the second
    read places every row where the check did."""
    monkeypatch.setattr(importer, "KEEP_LIMIT", 0)
    reads = []
    read = store.record_organizers
    monkeypatch.setattr(store, "record_organizers", lambda ids: reads.append(ids) or read(ids))
    people = [f"Person {i}" for i in range(40)]
    rows = [{**talk, "contact": {"name": p}} for p in people for talk in (MAYA, SAM)]
    path = _file(tmp_path / "team.jsonl", *rows)
    report = import_files(store, [path])
    assert (report.result.added, report.apart) == (80, 40)
    assert len(reads) <= 4  # two a chunk (its derived ids, then the places after), twice
    again = import_files(store, [path])
    assert (again.result.unchanged, again.apart) == (80, 40)
    assert len(store.snapshot(CAMPAIGN).conversations) == 80


def test_organizers_whose_names_slug_alike_keep_a_record_each():
    """Names without a Latin letter all slug to "x", and "Sam Lée" slugs as "Sam Lee": their
    records are still apart (a short hash of the name), and each sent again lands on its own."""
    apart = KeptApart()
    names = ("Maya Ortiz", "李明", "王芳", "Sam Lee", "Sam Lée", "李明", "王芳", "Sam Lée")
    ids = [apart.place(OneOnOne.model_validate({**MAYA, "organizer": o})).id for o in names]
    assert len(set(ids[:5])) == 5 and ids[5:] == [ids[1], ids[2], ids[4]]
    assert ids[:2] == [f"{DAY}-ana-lopez", f"{DAY}-ana-lopez-x"]
    assert ids[2].startswith(f"{DAY}-ana-lopez-x-") and ids[4].startswith(f"{DAY}-ana-lopez-sam-lee-")


def test_an_update_naming_no_organizer_is_apart_from_an_organizers():
    apart = KeptApart()
    call = {"date": DAY, "person": "Ana López", "update": "attempt", "outcome": "no_answer"}
    ids = [apart.place(Update.model_validate({**call, **more})).id
           for more in ({"organizer": "Maya Ortiz"}, {}, {}, {"organizer": "Maya Ortiz"})]
    assert ids == [f"{DAY}-ana-lopez-attempt-no_answer",
                   f"{DAY}-ana-lopez-attempt-no_answer-no-organizer",
                   f"{DAY}-ana-lopez-attempt-no_answer-no-organizer",
                   f"{DAY}-ana-lopez-attempt-no_answer"]
