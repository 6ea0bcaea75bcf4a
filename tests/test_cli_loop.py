"""The organizing loop from the command line: log, assign, unassign, my-list, delete, person.

Each runs in-process on both stores: the embedded file through ``--db``, Neo4j through
``NEO4J_URI`` and no ``--db`` (the store rule). Tests that read follow-up item ids, closed
items, ``my_list`` or the overview's kept commitments rely on the analytics of issue #10
(``mapper.analytics.follow_ups`` ids, ``mapper.analytics.my_list``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mapper import cli
from mapper.bootstrap import open_store
from tests.records import CAMPAIGN, conversation, small_campaign

runner = CliRunner()
TODAY = "2026-12-01"
_GIVEN = {name: os.environ.get(name) for name in ("NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")}


class Mapper:
    """``mapper`` on one store, as a user types it (``--db`` only for the embedded file)."""

    def __init__(self, db: Path | None, monkeypatch) -> None:
        self.db = db
        self.env = monkeypatch

    def __call__(self, *args: object, code: int = 0) -> str:
        argv = [str(a) for a in args] + (["--db", str(self.db)] if self.db else [])
        result = runner.invoke(cli.app, argv, catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    def json(self, *args: object) -> object:
        return json.loads(self(*args, "--json"))

    def store(self):
        return open_store(str(self.db) if self.db else None)

    def state(self) -> tuple:
        """What "as if never imported" compares: counts, export and snapshot."""
        with self.store() as store:
            return (store.counts(CAMPAIGN), sorted(store.export(CAMPAIGN)),
                    store.snapshot(CAMPAIGN))

    def today(self, day: str) -> None:
        self.env.setenv("MAPPER_TODAY", day)


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def mapper(request, tmp_path, monkeypatch):
    for name in ("MAPPER_DB", "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MAPPER_TODAY", TODAY)
    if request.param == "sqlite":
        yield Mapper(tmp_path / "loop.db", monkeypatch)
        return
    monkeypatch.setenv("NEO4J_URI", request.getfixturevalue("neo4j_uri"))
    for name, value in _GIVEN.items():  # a server given to the run
        if value:
            monkeypatch.setenv(name, value)
    m = Mapper(None, monkeypatch)
    with m.store() as store:
        store.clear()
    try:
        yield m
    finally:
        with m.store() as store:
            store.clear()


BEN_TALK = conversation("Ben Ortiz", "2026-11-20", id="ben-1", organizer="Sam Lee",
                        follow_up={"assignment": "SECRET ASSIGNMENT", "due": "2026-11-27",
                                   "thank_you_sent": False})


def _write(path: Path, records) -> Path:
    path.write_text("".join(json.dumps({"record_type": _kind(r), **r.model_dump(
        mode="json", exclude_none=True)}) + "\n" for r in records))
    return path


def _kind(record) -> str:
    from mapper.projection import record_kind

    return record_kind(record)


def _dated(records) -> list:
    # A roster as of October: the 1-on-1s of November are newer.
    return [r.model_copy(update={"as_of": dt.date(2026, 10, 1)}) if _kind(r) == "roster" else r
            for r in records]


@pytest.fixture
def campaign(mapper, tmp_path) -> Mapper:
    mapper("import", _write(tmp_path / "campaign.jsonl", _dated(small_campaign()) + [BEN_TALK]))
    return mapper


# -- mapper log -----------------------------------------------------------------------------

LOGS = [
    (["--thank-you-sent"], {"update": "thank_you_sent", "outcome": None}),
    (["--assignment", "done"], {"update": "assignment_done"}),
    (["--assignment", "not-done"], {"update": "assignment_not_done"}),
    (["--commitment", "kept"], {"update": "commitment_kept"}),
    (["--commitment", "missed"], {"update": "commitment_missed"}),
    (["--attempt", "no-answer"], {"update": "attempt", "outcome": "no_answer", "asked": None}),
    (["--attempt", "not-now", "--asked"], {"update": "attempt", "outcome": "not_now", "asked": True}),
    (["--attempt", "left"], {"update": "attempt", "outcome": "left"}),
    (["--assessment", "2", "--reason", "SECRET REASON"], {"update": "assessment", "assessment": 2}),
    (["--note", "SECRET NOTE"], {"update": "note"}),
]


def test_log_writes_each_kind_of_update_once(campaign):
    for options, expected in LOGS:
        answer = campaign.json("log", "ana lopez", *options, "--date", "2026-11-30")
        assert {k: answer[k] for k in expected} == expected, options
        assert answer["name"] == "Ana Lopez" and answer["person"] == f"person:{CAMPAIGN}:ana lopez"
        assert answer["organizer"] == "Maya Ortiz" and answer["date"] == "2026-11-30"
        assert answer["written"] == "added" and answer["key"] == f"update:{CAMPAIGN}:{answer['id']}"
        assert "SECRET" not in json.dumps(answer)
        again = campaign.json("log", "Ana Lopez", *options, "--date", "2026-11-30")
        assert again["written"] == "unchanged" and again["id"] == answer["id"]
    with campaign.store() as store:
        assert store.counts(CAMPAIGN)["records"]["update"] == len(LOGS)
    text = campaign("log", "Ben Ortiz", "--attempt", "wrong-number", "--organizer", "lee chu")
    assert f"{TODAY} attempt (wrong-number) — Ben Ortiz, by lee chu: added" in text


def test_log_refuses_what_it_cannot_write_and_names_no_one(campaign):
    for args, field in [([], "exactly one"),
                        (["--note", "a", "--thank-you-sent"], "--thank-you-sent, --note"),
                        (["--assessment", "2"], "--reason"),
                        (["--assessment", "2", "--reason", "  "], "--reason"),
                        (["--note", ""], "--note"), (["--note", " \t "], "--note"),
                        (["--reason", "r", "--note", "n"], "--reason"),
                        (["--asked", "--note", "n"], "--asked"),
                        (["--attempt", "maybe"], "--attempt"),
                        (["--commitment", "done"], "--commitment"),
                        (["--assessment", "9", "--reason", "SECRET"], "assessment")]:
        out = campaign("log", "Ana Lopez", *args, code=2)
        assert field in out and "SECRET" not in out and "Ana" not in out, args
    out = campaign("log", "Zed Secretname", "--note", "x", code=2)
    assert "PERSON: no one by that name" in out and "Secretname" not in out
    with campaign.store() as store:
        assert "update" not in store.counts(CAMPAIGN)["records"]


def _items(mapper: Mapper, today: str = TODAY) -> dict[str, dict]:
    result = mapper.json("follow-ups", "--today", today)
    return {i["id"]: i for o in result["organizers"] for i in o["items"]}


def test_done_closes_exactly_that_item_and_refuses_another_persons(campaign):
    # Needs the follow-up item ids and closing updates of the analytics (issue #10).
    items = _items(campaign)
    assert {"thank_you:ben-1", "assignment:ben-1"} <= set(items)
    commitment = next(i for i in items if i.startswith("commitment:"))
    assert items[commitment]["person"] == f"person:{CAMPAIGN}:ana lopez"
    out = campaign("log", "Ana Lopez", "--done", "thank_you:ben-1", code=2)
    assert "another person's" in out and "Ben" not in out
    out = campaign("log", "Ben Ortiz", "--done", "thank_you:no-such", code=2)
    assert "no open follow-up item" in out
    answer = campaign.json("log", "Ben Ortiz", "--done", "thank_you:ben-1")
    assert (answer["update"], answer["conversation"], answer["organizer"]) == (
        "thank_you_sent", "ben-1", "Sam Lee")
    assert set(_items(campaign)) == set(items) - {"thank_you:ben-1"}
    campaign("log", "Ana Lopez", "--done", commitment)
    assert set(_items(campaign)) == {"assignment:ben-1"}
    # Sent again (a script retrying), the closing changes nothing and says so: exit 0, the
    # same record. Someone else's closing of it is still refused.
    again = campaign.json("log", "Ben Ortiz", "--done", "thank_you:ben-1")
    assert again["written"] == "unchanged" and again["key"] == answer["key"]
    with campaign.store() as store:
        assert store.counts(CAMPAIGN)["records"]["update"] == 2
    assert "no open follow-up item" in campaign("log", "Ana Lopez", "--done", "thank_you:ben-1",
                                                code=2)


# -- mapper alias -------------------------------------------------------------------------------

def test_an_alias_that_would_swap_or_part_people_is_refused_and_nothing_written(campaign):
    """Aliases are not followed in chains: ``alias "Ana Lopez" "Ana L"`` after ``alias "Ana
    L" "Ana Lopez"`` keyed each one's records by the other's name (her stories shown as
    someone else's), and an alias of a name others already mean left those behind."""
    campaign("alias", "person", "Ana L", "Ana Lopez")
    with campaign.store() as store:
        before = (store.counts(CAMPAIGN), [r.body for r in store.iter_records(CAMPAIGN,
                                                                                 "alias")])
    for args, why in [(("Ana Lopez", "Ana L"), "CANONICAL: it is itself an alias"),
                      (("A. Lopez", "Ana L"), "CANONICAL: it is itself an alias"),
                      (("Ana Lopez", "Ann Lopez"), "ALIAS: other spellings already mean it"),
                      (("ana  LOPEZ", "Ana Lopez"), "ALIAS: the same name as CANONICAL")]:
        out = campaign("alias", "person", *args, code=2)
        assert why in out and "now means" not in out, args
    with campaign.store() as store:
        after = (store.counts(CAMPAIGN), [r.body for r in store.iter_records(CAMPAIGN,
                                                                                "alias")])
        assert store.person_history(CAMPAIGN, "Ana L") == store.person_history(CAMPAIGN,
                                                                               "Ana Lopez")
    assert after == before
    assert "now means" in campaign("alias", "person", "Ana L", "Ana Lopez")  # (sent again)


# -- mapper assign / unassign / my-list ------------------------------------------------------

def test_assign_reassign_and_unassign(campaign):
    answer = campaign.json("assign", "Ana Lopez", "ben ortiz", "--to", "maya ortiz")
    assert answer == {"campaign": CAMPAIGN, "organizer": "Maya Ortiz", "date": TODAY,
                      "changed": [{"person": f"person:{CAMPAIGN}:ana lopez", "name": "Ana Lopez",
                                   "was": None},
                                  {"person": f"person:{CAMPAIGN}:ben ortiz", "name": "Ben Ortiz",
                                   "was": None}],
                      "skipped": [], "added": 2, "replaced": 0, "unchanged": 0,
                      "new_organizer": False}
    moved = campaign.json("assign", "Ana Lopez", "Cam Lee", "--to", "Sam Lee")
    assert [(c["name"], c["was"]) for c in moved["changed"]] == [("Ana Lopez", "Maya Ortiz"),
                                                                ("Cam Lee", None)]
    assert (moved["added"], moved["replaced"]) == (1, 1)
    again = campaign.json("assign", "Cam Lee", "--to", "Sam Lee")
    assert again["changed"] == [] and again["skipped"] == [f"person:{CAMPAIGN}:cam lee"]
    gone = campaign.json("unassign", "Ana Lopez", "Dee Park")
    assert gone["organizer"] is None and [c["was"] for c in gone["changed"]] == ["Sam Lee"]
    assert gone["skipped"] == [f"person:{CAMPAIGN}:dee park"]
    assert "1 contact(s) unassigned" in campaign("unassign", "Ben Ortiz")
    with campaign.store() as store:
        snap = store.snapshot(CAMPAIGN)
        assert {k: snap.organizers[a.organizer] for k, a in snap.assignments.items()} == {
            f"person:{CAMPAIGN}:cam lee": "Sam Lee"}
    out = campaign("assign", "Cam Lee", "Zed Secretname", "--to", "Maya Ortiz", code=2)
    assert "PERSON #2" in out and "Secretname" not in out
    assert "either PERSON" in campaign("assign", "--to", "Maya Ortiz", code=2)
    assert "--limit" in campaign("assign", "--from", "ask-queue", "--to", "Maya Ortiz", code=2)


def test_assigning_to_a_name_no_organizer_has_yet_says_so(campaign):
    """A typo in --to ("Maya Ortis") made a new organizer and took the contact off Maya's list,
    saying only "assigned to Maya Ortis"."""
    campaign("assign", "Ana Lopez", "--to", "Maya Ortiz")
    typo = campaign("assign", "Ana Lopez", "--to", "Maya Ortis")
    assert "no organizer of that name" in typo and "Ana Lopez" in typo
    assert campaign.json("assign", "Ben Ortiz", "--to", "Maya Ortis")["new_organizer"] is False
    assert campaign.json("assign", "Cam Lee", "--to", "Lee Chu")["new_organizer"] is True
    assert "no organizer of that name" not in campaign("assign", "Dee Park", "--to", "maya ortiz")


def test_assign_from_a_list_takes_the_top_people_no_one_holds(campaign):
    queue = [e["person"] for e in campaign.json("ask-queue", "--today", TODAY) if e["ready"]]
    assert len(queue) >= 2
    campaign("assign", "--from", "ask-queue", "--limit", "1", "--to", "Sam Lee")
    taken = campaign.json("assign", "--from", "ask-queue", "--limit", "5", "--to", "Maya Ortiz")
    # The first was Sam's already: it stays with him, Maya gets the rest.
    assert [c["person"] for c in taken["changed"]] == queue[1:6]
    fresh = [p["person"] for p in campaign.json("talk-next")["people"] if p["unit"] == "ER"]
    talk = campaign.json("assign", "--from", "talk-next", "--unit", "er", "--limit", "3",
                         "--to", "Lee Chu")
    assert [c["person"] for c in talk["changed"]] == fresh[:3]
    assert "--issue" in campaign("assign", "--from", "talk-next", "--issue", "pay", "--limit", "1",
                                 "--to", "Lee Chu", code=2)


def test_an_organizer_spoken_with_is_never_in_the_ask_queue_nor_taken_from_it(campaign,
                                                                              tmp_path):
    """Cam Lee was spoken with (very angry, rated a supporter): in the queue. Then she holds
    a 1-on-1 with Dee Park: she organizes, she is not one to ask; not in the table, not in
    --json, not assigned from it."""
    def listed() -> tuple[set[str], set[str]]:
        queue = {e["name"] for e in campaign.json("ask-queue", "--today", TODAY)}
        cards = re.findall(r"^\d+\. (.+?) ·", campaign("ask-queue", "--today", TODAY), re.M)
        return queue, set(cards)

    queue, table = listed()
    assert "Cam Lee" in queue and "Cam Lee" in table
    talk = conversation("Dee Park", "2026-11-25", id="dee-1", unit="ER", organizer="Cam Lee")
    campaign("import", _write(tmp_path / "cam.jsonl", [talk]))
    queue, table = listed()
    assert "Cam Lee" not in queue | table
    assert "Dee Park" in queue and "Dee Park" in table
    taken = campaign.json("assign", "--from", "ask-queue", "--limit", "9", "--to", "Sam Lee")
    assert "Cam Lee" not in {c["name"] for c in taken["changed"]}


def test_my_list_shows_each_organizers_contacts_and_next_step(campaign):
    # Needs mapper.analytics.my_list (issue #10 analytics).
    campaign("assign", "Ben Ortiz", "Dee Park", "--to", "Sam Lee")
    result = campaign.json("my-list", "--organizer", "sam lee", "--today", TODAY)
    [sam] = result["organizers"]
    assert sam["organizer"] == "Sam Lee" and sam["counts"]["contacts"] == 2
    by_name = {c["name"]: c for c in sam["contacts"]}
    assert by_name["Ben Ortiz"]["next"] == "follow_up" and by_name["Ben Ortiz"]["overdue"]
    assert by_name["Ben Ortiz"]["item"] in _items(campaign)
    assert by_name["Dee Park"]["next"] == "first_1on1" and by_name["Dee Park"]["item"] is None
    assert "SECRET" not in json.dumps(result)
    text = campaign("my-list", "--organizer", "Sam Lee", "--today", TODAY)
    assert "My list — Sam Lee: 2 contact(s)" in text
    nobody = campaign.json("my-list", "--organizer", "Nobody", "--today", TODAY)["organizers"]
    assert all(o["contacts"] == [] for o in nobody)
    assert "No contacts assigned" in campaign("my-list", "--organizer", "Nobody", "--today", TODAY)


# -- mapper delete ---------------------------------------------------------------------------

def test_delete_leaves_the_store_as_if_the_record_was_never_imported(mapper, tmp_path):
    mapper("import", _write(tmp_path / "base.jsonl", _dated(small_campaign())))
    never = mapper.state()
    mapper("import", _write(tmp_path / "more.jsonl", [BEN_TALK]))
    logged = mapper.json("log", "Ana Lopez", "--note", "SECRET NOTE")
    mapper.json("assign", "Cam Lee", "--to", "Sam Lee")
    assert mapper.state() != never
    refused = mapper("delete", f"conversation:{CAMPAIGN}:ben-1", code=2)
    assert "--yes" in refused
    outputs = [mapper("delete", f"conversation:{CAMPAIGN}:ben-1", "--yes"),
               mapper("delete", logged["id"], "--yes", "--campaign", CAMPAIGN),
               json.dumps(mapper.json("delete", f"assignment:{CAMPAIGN}:cam lee", "--yes"))]
    assert f"Deleted 1 conversation record of {CAMPAIGN}" in outputs[0]
    assert "Deleted 1 update record" in outputs[1]
    assert json.loads(outputs[2]) == {"deleted": 1, "kind": "assignment", "campaign": CAMPAIGN}
    for out in outputs:  # what kind of record, never whose
        assert not any(name in out.lower() for name in ("ben", "ana", "cam lee", "lopez"))
    assert mapper.state() == never
    missing = mapper("delete", f"update:{CAMPAIGN}:2026-12-01-zed-secretname-note", "--yes", code=2)
    assert "no record has this id" in missing and "secretname" not in missing


def test_delete_with_campaign_leaves_a_record_of_another_campaign_alone(mapper, tmp_path):
    other = BEN_TALK.model_copy(update={"campaign": "other-campaign"})
    mapper("import", _write(tmp_path / "two.jsonl", [BEN_TALK, other]))
    key = "conversation:other-campaign:ben-1"
    refused = mapper("delete", key, "--yes", "--campaign", CAMPAIGN, code=2)
    assert f"no record has this id in campaign {CAMPAIGN}" in refused
    with mapper.store() as store:
        assert [r.id for r in store.get_records([key])] == [key]
    assert "Deleted 1 conversation record of other-campaign" in mapper(
        "delete", key, "--yes", "--campaign", "other-campaign")


# -- mapper person ---------------------------------------------------------------------------

def test_person_shows_updates_the_assignment_and_where_facts_came_from(campaign):
    campaign("log", "Ana Lopez", "--attempt", "no-answer", "--asked")
    campaign("log", "Ana Lopez", "--note", "SECRET NOTE")
    campaign("assign", "Ana Lopez", "--to", "Sam Lee")
    text = campaign("person", "ana lopez")
    lines = text.splitlines()
    assert lines[0].startswith("Ana Lopez — unit ICU (conversation, 2026-11-15)")
    assert "assigned to Sam Lee" in lines[0]
    assert "roster and 1-on-1 disagree on: shift" in text  # roster days, 1-on-1 nights
    dated = [line[:10] for line in lines if line[:4] == "2026"]
    assert dated == sorted(dated, reverse=True), "newest first"
    assert f"{TODAY} update: attempt (no-answer, an ask) by Maya Ortiz" in text
    assert f"{TODAY} assigned to Sam Lee" in text
    assert "SECRET" not in text and "555" not in text
    private = campaign("person", "ana lopez", "--private")
    # What --private says it shows: her stories, notes, phone and email, and what she agreed.
    for words in ("SECRET NOTE", "SECRET STORY", "SECRET NOTES", "secret-email@example.org",
                  "agreed to: log a short shift"):
        assert words in private, words
    records = campaign.json("person", "Ana Lopez")
    assert [r["record_type"] for r in records] == ["person", "conversation", "conversation",
                                                   "update", "update", "assignment"]
    head = records[0]
    assert (head["unit"], head["shift"], head["assigned_to"]) == ("ICU", "nights", "Sam Lee")
    assert {"fact": "shift", "source": "conversation", "date": "2026-11-15"} in head["sources"]
    assert head["conflicts"] == ["shift"]
    assert "SECRET" not in json.dumps(records)


# -- a week of organizing ---------------------------------------------------------------------

def test_a_week_assign_call_talk_thank_and_keep(mapper, tmp_path):
    """Assign the top 5 of the ask queue, log a no-answer for one, a 1-on-1 with another who
    says yes, then its thank-you sent and later the commitment kept (by item id).

    Needs the analytics of issue #10: follow-up ids and closing, my_list, ``took_action`` and
    ``kept`` on the overview.
    """
    mapper("import", *cli.demo_files())
    monday = "2026-12-01"
    top = [e for e in mapper.json("ask-queue", "--today", monday) if e["ready"]][:5]
    assert len(top) == 5
    given = mapper.json("assign", "--from", "ask-queue", "--limit", "5", "--to", "Maya Ortiz",
                        "--date", monday)
    assert [c["person"] for c in given["changed"]] == [e["person"] for e in top]
    [maya] = mapper.json("my-list", "--organizer", "Maya Ortiz", "--today", monday)["organizers"]
    assert {c["person"] for c in maya["contacts"]} == {e["person"] for e in top}

    # Tuesday: no answer from the first.
    mapper.today("2026-12-02")
    mapper("log", top[0]["name"], "--attempt", "no-answer")
    assert "attempt (no-answer) by Maya Ortiz" in mapper("person", top[0]["name"])

    # Wednesday: a 1-on-1 with the second, who says yes to an action due next week.
    mapper.today("2026-12-03")
    yes = top[1]
    talk = {"record_type": "conversation", "id": "week-talk", "date": "2026-12-03",
            "organizer": "Maya Ortiz", "campaign": "st-lukes-nurses",
            "contact": {"name": yes["name"]},
            "issues": [{"issue": "short staffing", "anger": 5}],
            "ask": {"asked": True, "action": "come to the Dec 9 meeting", "response": "yes",
                    "due": "2026-12-09"},
            "follow_up": {"thank_you_sent": False}}
    (tmp_path / "week.jsonl").write_text(json.dumps(talk) + "\n")
    mapper("import", tmp_path / "week.jsonl")
    queue = {e["person"] for e in mapper.json("ask-queue", "--today", "2026-12-03")}
    assert yes["person"] not in queue, "a yes leaves the ask queue"
    items = _items(mapper, "2026-12-03")
    assert {"thank_you:week-talk", "commitment:week-talk"} <= set(items)
    before = mapper.json("overview")

    # Thursday: the thank-you is sent.
    mapper.today("2026-12-04")
    mapper("log", yes["name"], "--done", "thank_you:week-talk")
    assert "thank_you:week-talk" not in _items(mapper, "2026-12-04")

    # The next Wednesday: they came; the commitment is kept.
    mapper.today("2026-12-10")
    items = _items(mapper, "2026-12-10")
    assert "commitment:week-talk" in items
    kept = mapper.json("log", yes["name"], "--done", "commitment:week-talk")
    assert (kept["update"], kept["conversation"]) == ("commitment_kept", "week-talk")
    assert "commitment:week-talk" not in _items(mapper, "2026-12-10")
    after = mapper.json("overview")
    assert after["counts"]["took_action"] == before["counts"]["took_action"] + 1
    assert after["commitments"]["kept"] == before["commitments"]["kept"] + 1
    [maya] = mapper.json("my-list", "--organizer", "Maya Ortiz", "--today", "2026-12-10")["organizers"]
    assert {c["person"]: c["item"] for c in maya["contacts"]}[yes["person"]] is None
    assert dt.date.fromisoformat(kept["date"]) == dt.date(2026, 12, 10)


def test_the_command_lines_writes_are_in_the_audit_trail_without_a_name(campaign):
    # Someone with a shell changes records too: the trail says so, with kinds and opaque ids.
    campaign("assign", "Ana Lopez", "--to", "Maya Ortiz")
    campaign("log", "Ana Lopez", "--attempt", "no-answer")
    campaign("unassign", "Ana Lopez")
    entries = campaign.json("audit")["entries"]
    kinds = [(e["action"], e["actor"], e["detail"].get("kind")) for e in entries]
    assert ("import", "cli", None) in kinds  # the campaign's import: counts only
    assert ("record_created", "cli", "assignment") in kinds
    assert ("record_created", "cli", "update") in kinds
    assert ("record_replaced", "cli", "assignment") in kinds  # given back: a new version
    text = json.dumps(entries).casefold()
    assert "ana" not in text and "lopez" not in text and "maya" not in text


def test_a_command_line_export_is_in_the_audit_trail_as_a_download_is(campaign, tmp_path):
    # `mapper export` writes every story, note and phone: the trail says who (the command
    # line: it knows no user), what and how many rows, as it does for a dashboard download.
    campaign("export", "-o", tmp_path / "backup.jsonl")
    campaign("export", "--campaign", CAMPAIGN)  # to the terminal: an export all the same
    rows = len((tmp_path / "backup.jsonl").read_text().splitlines())
    entries = [e for e in campaign.json("audit")["entries"] if e["action"] == "list_exported"]
    assert [(e["actor"], e["target"], e["detail"]) for e in entries[-2:]] == [
        ("cli", None, {"list": "records", "format": "jsonl", "campaign": None, "rows": rows,
                       "words": rows}),
        ("cli", None, {"list": "records", "format": "jsonl", "campaign": CAMPAIGN,
                       "rows": rows, "words": rows})]
    text = json.dumps(entries).casefold()
    assert "ana" not in text and "secret" not in text and "backup" not in text


def _read_entries(mapper: Mapper) -> list[tuple]:
    return [(e["action"], e["actor"], e["target"], e["detail"])
            for e in mapper.json("audit")["entries"]
            if e["action"] in ("person_viewed", "list_exported")]


def test_the_command_line_printing_someones_words_is_in_the_audit_trail_counted(campaign):
    # `mapper person --private` and `mapper follow-ups` print what a worker said or agreed to
    # (an action asked, an assignment): the trail says so, as for a person page opened or a
    # list downloaded, counting rows. What prints no one's words leaves nothing.
    campaign("person", "Ana Lopez")  # without --private: no personal details
    campaign("person", "Ana Lopez", "--json")
    campaign("my-list")  # an item is named by its 1-on-1, never by its words
    campaign("follow-ups", "--today", "2026-10-01")  # nothing due yet
    assert _read_entries(campaign) == []

    private = campaign("person", "Ana Lopez", "--private")
    assert "come to the Dec 3 meeting" in private
    table = campaign("follow-ups")
    assert "SECRET ASSIGNMENT" in table and "come to the Dec 3 meeting" in table
    every = campaign.json("follow-ups")
    items = [i for o in every["organizers"] for i in o["items"]]
    said = sum(i["what"] not in ("(assignment)", "(commitment)") and i["kind"] in
               ("assignment", "commitment") for i in items)
    campaign("person", "Ana Lopez", "--private", "--json")
    [viewed, listed, exported, whole] = _read_entries(campaign)
    assert viewed[:2] == ("person_viewed", "cli") and viewed[2].startswith("p-")
    assert viewed[3] == {"rows": 2, "words": 2}  # her two 1-on-1s, each with her words
    assert listed == ("list_exported", "cli", None, {
        "list": "follow-ups", "format": "table", "campaign": CAMPAIGN, "rows": len(items),
        "words": said})
    assert exported == ("list_exported", "cli", None, {
        "list": "follow-ups", "format": "json", "campaign": CAMPAIGN, "rows": len(items),
        "words": said})
    assert whole == (*viewed[:3], {"rows": 2, "words": 2})  # her records whole: both
    text = json.dumps(_read_entries(campaign)).casefold()
    assert "ana" not in text and "secret" not in text and "maya" not in text


def test_the_ladder_printing_an_agreed_action_is_in_the_audit_trail_counted(campaign):
    # `mapper ladder` names the action someone on the first rung agreed to, in her own words:
    # the trail says so, as for follow-ups (how many rows, how many with words, never them).
    # A ladder that names no action leaves nothing.
    campaign("ladder", "--today", "2026-12-10")  # her date passed: "took action", no words
    campaign("ladder", "--today", "2026-12-10", "--json")
    assert _read_entries(campaign) == []

    table = campaign("ladder")
    assert "come to the Dec 3 meeting" in table
    every = campaign.json("ladder")
    assert any("come to the Dec 3 meeting" in e["next_step"] for e in every)
    assert _read_entries(campaign) == [
        ("list_exported", "cli", None, {"list": "ladder", "format": fmt, "campaign": CAMPAIGN,
                                        "rows": len(every), "words": 1})
        for fmt in ("table", "json")]
    text = json.dumps(_read_entries(campaign)).casefold()
    assert "ana" not in text and "dec 3" not in text and "meeting" not in text
