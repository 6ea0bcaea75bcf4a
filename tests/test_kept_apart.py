"""Two organizers' 1-on-1s with one person on one day are two records, and so are one
organizer's with two people whose names give one id (mapper.apart).

A 1-on-1 sent without an id takes one derived from its date and the contact's name, which does
not name the organizer: Sam Lee's 1-on-1 with Ana López replaced Maya Ortiz's of the same day
(`mapper import`), and the two in one file were refused. Nor does it tell apart names with no
Latin letter (李明 and 王芳 both slug to "x"), or two people of one name told apart by their
custom ids. The command line runs in-process on
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
from mapper.projection import conversation_key, identity_key
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


# One organizer's 1-on-1s of one day with two people whose names give one derived id: a name
# with no Latin letter slugs to "x", and two people of one name are told apart by custom ids.
LI, FANG = {**MAYA, "contact": {"name": "李明"}}, {**MAYA, "contact": {"name": "王芳"},
                                                  "issues": [{"issue": "pay", "anger": 5}]}
IVAN, PYOTR = ({**LI, "contact": {"name": "Иван Петров"}},
               {**FANG, "contact": {"name": "Пётр Иванов"}})
ANA_1, ANA_2 = ({**MAYA, "contact": {"name": "Ana López", "custom_id": "E-1"}},
                {**FANG, "contact": {"name": "Ana López", "custom_id": "E-2"}})


def _issues(mapper: Mapper, name: str) -> list[str]:
    """The issues of a person's 1-on-1s, as `mapper person` lists them."""
    return sorted(r["issues"][0]["issue"] for r in mapper.json("person", name)
                  if r["record_type"] == "conversation")


def test_one_organizers_files_of_one_day_with_two_people_whose_names_give_one_id_keep_both(
        mapper, tmp_path):
    """李明 and 王芳 (Иван Петров and Пётр Иванов) both derive ``2026-11-20-x``: the second
    file's 1-on-1 replaced the first's. Now each is a record, and imports again unchanged."""
    for first, second in ((LI, FANG), (IVAN, PYOTR)):
        one = _file(tmp_path / "one.jsonl", first)
        two = _file(tmp_path / "two.jsonl", second)
        assert mapper("import", one).startswith("1 added, 0 replaced, 0 unchanged")
        said = mapper("import", two)
        assert said.startswith("1 added, 0 replaced, 0 unchanged"), said
        assert ("1 1-on-1(s) or update(s) kept apart from another organizer's with the same "
                "person that day, or from one about another person whose name gives the same "
                "id") in " ".join(said.split())
        assert not set(first["contact"]["name"].split() + second["contact"]["name"].split()
                       + ["Maya", "Ortiz"]) & set(said.split())  # no name, ever
        assert _issues(mapper, first["contact"]["name"]) == ["heat"]
        assert _issues(mapper, second["contact"]["name"]) == ["pay"]
        before = mapper.state()
        for path in (one, two, two, one):
            assert mapper("import", path).startswith("0 added, 0 replaced, 1 unchanged")
        assert mapper.state() == before
    with mapper.store() as store:
        assert len(store.snapshot(CAMPAIGN).conversations) == 4


def test_one_file_with_one_organizers_two_people_whose_names_give_one_id_imports_both(
        mapper, tmp_path):
    both = _file(tmp_path / "day.jsonl", LI, FANG, IVAN)
    got = mapper.json("import", both)
    assert (got["added"], got["kept_apart"], got["rejected"]) == (3, 2, 0)
    assert [_issues(mapper, n) for n in ("李明", "王芳", "Иван Петров")] == [
        ["heat"], ["pay"], ["heat"]]
    again = mapper.json("import", both)
    assert (again["added"], again["replaced"], again["unchanged"]) == (0, 0, 3)
    # One person's 1-on-1 twice is still one record given twice: refused, nothing written.
    before = mapper.state()
    said = mapper("import", _file(tmp_path / "twice.jsonl", LI, FANG, {**LI, "notes": "y"}),
                  code=1)
    assert "twice.jsonl:3 (record 3): id: the same record id appears at" in said
    assert mapper.state() == before


def test_an_edit_of_one_of_two_people_whose_names_give_one_id_replaces_only_hers(
        mapper, tmp_path):
    mapper("import", _file(tmp_path / "day.jsonl", LI, FANG))
    for edited in ({**FANG, "issues": [{"issue": "overtime"}]},
                   {**LI, "issues": [{"issue": "parking"}]}):
        said = mapper("import", _file(tmp_path / "edit.jsonl", edited))
        assert said.startswith("0 added, 1 replaced, 0 unchanged"), said
    assert [_issues(mapper, n) for n in ("李明", "王芳")] == [["parking"], ["overtime"]]


def test_two_people_of_one_name_told_apart_by_custom_ids_keep_a_record_each(mapper, tmp_path):
    one, two = _file(tmp_path / "one.jsonl", ANA_1), _file(tmp_path / "two.jsonl", ANA_2)
    mapper("import", one)
    assert mapper("import", two).startswith("1 added, 0 replaced, 0 unchanged")
    for path in (one, two):
        assert mapper("import", path).startswith("0 added, 0 replaced, 1 unchanged")
    said = mapper("import", _file(tmp_path / "edit.jsonl", {**ANA_2, "notes": "edited"}))
    assert said.startswith("0 added, 1 replaced, 0 unchanged")
    with mapper.store() as store:
        talks = store.snapshot(CAMPAIGN).conversations
        assert len(talks) == 2 and len({t.id for t in talks}) == 2


def test_two_organizers_and_two_people_whose_names_give_one_id_keep_four_records():
    """Both reasons at once, in any order: four records, each sent again lands on its own,
    and the two-organizer places are as they were (the second organizer's adds her slug)."""
    talks = [OneOnOne.model_validate({**talk, "organizer": o})
             for o in ("Maya Ortiz", "Sam Lee") for talk in (LI, FANG)]
    for order in (talks, talks[::-1], [talks[0], talks[2], talks[1], talks[3]]):
        apart = KeptApart()
        ids = [apart.place(t).id for t in order]
        assert len(set(ids)) == 4
        assert [apart.place(t).id for t in order] == ids
    apart = KeptApart()
    assert [apart.place(t).id for t in (talks[0], talks[2])] == [f"{DAY}-x", f"{DAY}-x-sam-lee"]


def test_a_posted_1on1_about_another_person_whose_name_gives_the_same_id_is_kept_apart(store):
    """Through the API's path (services.post_records): kept apart, not replacing; again,
    unchanged."""
    from mapper import services
    from mapper.roles import Actor

    maya = Actor("organizer", "Maya Ortiz")
    li, fang = (OneOnOne.model_validate(t) for t in (LI, FANG))
    assert services.post_records(store, maya, [li]).added == 1
    assert services.post_records(store, maya, [fang]).added == 1
    assert services.post_records(store, maya, [fang, li]).unchanged == 2
    assert sorted(len(store.person_history(CAMPAIGN, n)) for n in ("李明", "王芳")) == [1, 1]


def test_people_matched_to_the_rosters_custom_ids_keep_a_record_each_with_few_reads(
        store, tmp_path, monkeypatch):
    """The roster knows 李明, 王芳 and others by custom ids: a 1-on-1 naming them alone is
    matched to them (mapper.identity) after whose its places are was read. Kept apart still,
    sent again unchanged, and their places not read a record at a time."""
    reads = []
    read = store.record_organizers
    monkeypatch.setattr(store, "record_organizers", lambda ids: reads.append(ids) or read(ids))
    names = {"li": ["李明", *(f"李明 {i}" for i in range(1, 11))],
             "fang": ["王芳", *(f"王芳 {i}" for i in range(1, 11))]}  # (one id a pair)
    roster = [{"record_type": "roster", "campaign": CAMPAIGN, "name": n, "custom_id": f"{k}{i}"}
              for k, people in names.items() for i, n in enumerate(people)]
    import_files(store, [_file(tmp_path / "roster.jsonl", *roster)])
    one, two = (_file(tmp_path / f"{k}.jsonl", *({**talk, "contact": {"name": n}}
                                                 for n in names[k]))
                for k, talk in (("li", LI), ("fang", FANG)))
    assert import_files(store, [one]).result.added == 11
    reads.clear()
    report = import_files(store, [two])
    assert (report.result.added, report.apart) == (11, 11)
    assert len(reads) <= 4
    for path in (one, two):
        assert import_files(store, [path]).result.unchanged == 11
    assert [len(store.person_record_ids(CAMPAIGN, identity_key(CAMPAIGN, i)))
            for i in ("li0", "fang0", "fang10")] == [1, 1, 1]
    assert len(store.snapshot(CAMPAIGN).conversations) == 22


def test_a_resend_lands_on_its_own_record_after_the_other_persons_is_deleted(mapper, tmp_path):
    """王芳's 1-on-1 kept apart from 李明's: with 李明's deleted, sent again it is unchanged
    where it is, not a second record at the derived id."""
    fang = _file(tmp_path / "fang.jsonl", FANG)
    mapper("import", _file(tmp_path / "li.jsonl", LI))
    mapper("import", fang)
    mapper("delete", f"{DAY}-x", "--campaign", CAMPAIGN, "--yes")
    assert mapper("import", fang).startswith("0 added, 0 replaced, 1 unchanged")
    assert (_issues(mapper, "王芳"), _issues(mapper, "李明")) == (["pay"], [])
