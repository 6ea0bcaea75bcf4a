"""My list: each organizer's assigned contacts with the next thing to do, on both stores too."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mapper.analytics import Analytics, ask_queue, follow_ups, my_list
from mapper.analytics.examples import CampaignBuilder
from mapper.models import Assignment, Update
from mapper.stores.base import Store
from tests.records import CAMPAIGN, conversation, roster

TODAY = dt.date(2026, 11, 20)


def rows(r: dict[str, Any]) -> list[tuple]:
    return [(o["organizer"], c["name"], c["next"], c["what"], c["due"], c["overdue"], c["item"])
            for o in r["organizers"] for c in o["contacts"]]


def test_the_next_thing_is_the_first_1on1_a_follow_up_an_ask_or_nothing() -> None:
    b = CampaignBuilder("c")
    b.person("Ana", "ICU", shift="nights")
    b.talk("Ben", "2026-11-01", response="yes", due="2026-11-25", action="come to the meeting")
    b.talk("Cy", "2026-11-01", response="yes", due="2026-11-05")
    b.talk("Cy", "2026-11-06")  # the check-in settled the yes: nothing open
    b.talk("Dee", "2026-11-02")
    b.talk("Eve", "2026-11-02", response="maybe")
    for name in ("Ana", "Ben", "Cy", "Dee", "Eve"):
        b.assign(name, "Maya", "2026-11-15")
    r = my_list(b.snapshot(), today=TODAY)
    # A commitment is named by its 1-on-1, never by the worker's words for it.
    assert rows(r) == [
        ("Maya", "Ben", "follow_up", "check the commitment from the 2026-11-01 conversation",
         "2026-11-25", False, "commitment:2026-11-01-ben"),
        ("Maya", "Ana", "first_1on1", "first 1-on-1", None, False, None),
        ("Maya", "Cy", "none", "nothing to do now", None, False, None),
        ("Maya", "Dee", "ask", "ask", None, False, None),
        ("Maya", "Eve", "ask", "ask again", None, False, None)]
    (maya,) = r["organizers"]
    assert (maya["key"], maya["counts"]) == ("organizer:c:maya", {
        "contacts": 5, "first_1on1": 1, "ask": 2, "follow_up": 1, "overdue": 0})
    ana = next(c for c in maya["contacts"] if c["name"] == "Ana")
    assert (ana["person"], ana["unit"], ana["shift"], ana["assigned"]) == (
        "person:c:ana", "ICU", "nights", "2026-11-15")


def test_a_follow_up_far_ahead_is_still_the_next_thing_and_the_most_urgent_comes_first() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01", response="yes", due="2027-03-01")  # beyond follow-ups' horizon
    b.talk("Ben", "2026-11-10", thank_you_sent=False, follow_up_assignment="x",
           follow_up_due="2026-11-30")
    b.assign("Ana", "Maya")
    b.assign("Ben", "Maya")
    assert rows(my_list(b.snapshot(), today=TODAY)) == [
        ("Maya", "Ben", "follow_up", "thank-you for the 2026-11-10 conversation", "2026-11-12",
         True, "thank_you:2026-11-10-ben"),
        ("Maya", "Ana", "follow_up", "check the commitment from the 2026-11-01 conversation",
         "2027-03-01", False, "commitment:2026-11-01-ana")]
    assert follow_ups(b.snapshot(), today=TODAY)["totals"] == {"overdue": 1, "due": 0}


def test_organizers_are_listed_by_name_and_one_can_be_asked_for_by_name() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01")
    b.assign("Ana", "Zoe Park")
    b.assign("Ben", "Maya Ortiz")
    r = my_list(b.snapshot(), today=TODAY)
    assert [(o["organizer"], [c["name"] for c in o["contacts"]]) for o in r["organizers"]] == [
        ("Maya Ortiz", ["Ben"]), ("Zoe Park", ["Ana"])]
    only = my_list(b.snapshot(), today=TODAY, organizer="zoe  PARK")
    assert [o["organizer"] for o in only["organizers"]] == ["Zoe Park"]
    # Someone with nothing assigned gets an empty list, not someone else's.
    (none,) = my_list(b.snapshot(), today=TODAY, organizer="Sam Lee")["organizers"]
    assert (none["organizer"], none["contacts"], none["counts"]["contacts"]) == ("Sam Lee", [], 0)


def test_a_reassigned_contact_moves_and_an_unassigned_one_goes() -> None:
    b = CampaignBuilder("c")
    b.assign("Ana", "Maya")
    b.assign("Ben", "Maya")
    b.assign("Ana", "Sam")
    b.assign("Ben", None)
    assert [(o["organizer"], [c["name"] for c in o["contacts"]])
            for o in my_list(b.snapshot(), today=TODAY)["organizers"]] == [("Sam", ["Ana"])]


def test_failed_attempts_are_said_and_someone_who_left_is_not_listed() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01")
    b.log("Ana", "2026-11-12", "attempt", outcome="not_now", asked=True)
    b.log("Ben", "2026-11-12", "attempt", outcome="wrong_number")
    b.log("Cy", "2026-11-12", "attempt", outcome="left")
    for name in ("Ana", "Ben", "Cy"):
        b.assign(name, "Maya")
    assert rows(my_list(b.snapshot(), today=TODAY)) == [
        ("Maya", "Ana", "ask", "ask again (said not now on 2026-11-12)", None, False, None),
        ("Maya", "Ben", "first_1on1", "first 1-on-1 (wrong number on 2026-11-12)", None, False,
         None)]


def test_analytics_answers_my_list_once_per_store_version() -> None:
    b = CampaignBuilder("c")
    b.assign("Ana", "Maya")

    class Source:
        def version(self) -> int:
            return 1

        def snapshot(self, campaign: str):
            return b.snapshot()

    a = Analytics(Source(), campaign="c")
    assert a.my_list(today=TODAY) is a.run("my_list", today=TODAY)
    assert rows(a.my_list(today=TODAY)) == [("Maya", "Ana", "first_1on1", "first 1-on-1", None,
                                             False, None)]


# -- on both stores: real records ----------------------------------------------------------------

def _updates() -> list:
    return [
        Update(date="2026-11-12", person="Ana Lopez", update="thank_you_sent",
               organizer="Maya Ortiz", campaign=CAMPAIGN),
        Update(date="2026-11-15", person="Ben Ortiz", update="attempt", outcome="no-answer",
               campaign=CAMPAIGN),
        Update(date="2026-11-16", person="Cam Lee", update="attempt", outcome="left",
               campaign=CAMPAIGN),
        Update(date="2026-11-16", person="Ana Lopez", update="assignment_done",
               conversation="2026-11-10-ana-lopez", campaign=CAMPAIGN),
        Assignment(person="Ana Lopez", organizer="Maya Ortiz", date="2026-11-11",
                   campaign=CAMPAIGN),
        Assignment(person="Ben Ortiz", organizer="Maya Ortiz", date="2026-11-11",
                   campaign=CAMPAIGN),
        Assignment(person="Cam Lee", organizer="Sam Lee", date="2026-11-11",
                   campaign=CAMPAIGN),
        Assignment(person="Dee Park", organizer="Sam Lee", date="2026-11-11",
                   campaign=CAMPAIGN),
    ]


def test_updates_and_assignments_written_to_a_store_change_the_answers(store: Store) -> None:
    store.write([
        roster("Ana Lopez"), roster("Ben Ortiz"), roster("Cam Lee", "ER"), roster("Dee Park", "ER"),
        conversation("Ana Lopez", "2026-11-10",
                     ask={"asked": True, "action": "come to the Dec 3 meeting", "response": "yes",
                          "due": "2026-11-25"},
                     follow_up={"assignment": "log a short shift", "due": "2026-11-18",
                                "thank_you_sent": False}),
        conversation("Ben Ortiz", "2026-11-05", assessment=2),
    ])
    before = store.snapshot(CAMPAIGN)
    assert [i["id"] for o in follow_ups(before, today=TODAY)["organizers"] for i in o["items"]] == [
        "thank_you:2026-11-10-ana-lopez", "assignment:2026-11-10-ana-lopez",
        "commitment:2026-11-10-ana-lopez"]

    store.write(_updates())
    snap = store.snapshot(CAMPAIGN)
    f = follow_ups(snap, today=TODAY)
    (item,) = [i for o in f["organizers"] for i in o["items"]]
    assert (item["id"], item["person"], item["conversation"], item["due"]) == (
        "commitment:2026-11-10-ana-lopez", "person:test-campaign:ana lopez",
        "2026-11-10-ana-lopez", "2026-11-25")
    assert rows(my_list(snap, today=TODAY)) == [
        ("Maya Ortiz", "Ana Lopez", "follow_up",
         "check the commitment from the 2026-11-10 conversation", "2026-11-25", False,
         "commitment:2026-11-10-ana-lopez"),
        ("Maya Ortiz", "Ben Ortiz", "ask", "ask (1 call not answered on 2026-11-15)", None, False,
         None),
        ("Sam Lee", "Dee Park", "first_1on1", "first 1-on-1", None, False, None)]
    (ben,) = ask_queue(snap, today=TODAY)
    assert ben["assigned_to"] == "Maya Ortiz"
    assert ben["reasons"][-1] == "1 call not answered on 2026-11-15"

    # Sending the same updates again changes nothing.
    again = store.write(_updates())
    assert again.written == 0
    assert store.snapshot(CAMPAIGN) == snap
    assert my_list(store.snapshot(CAMPAIGN), today=TODAY) == my_list(snap, today=TODAY)
