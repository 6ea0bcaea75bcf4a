"""Follow-ups: thank-yous, assignments and commitments due or overdue, per organizer."""

import datetime as dt

from mapper.analytics import follow_ups
from mapper.analytics.examples import CampaignBuilder

TODAY = dt.date(2026, 11, 10)


def items(r: dict, organizer: str | None = None) -> list[tuple]:
    return [(i["name"], i["kind"], i["due"], i["days_overdue"], i["status"])
            for o in r["organizers"] if organizer in (None, o["organizer"]) for i in o["items"]]


def test_an_unsent_thank_you_is_overdue_two_days_after_the_conversation() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01", thank_you_sent=False)
    r = follow_ups(b.snapshot(), today=TODAY)
    assert items(r) == [("Ana", "thank_you", "2026-11-03", 7, "overdue")]
    assert r["organizers"][0]["items"][0]["what"] == "thank-you for the 2026-11-01 conversation"


def test_talking_again_settles_an_earlier_missing_thank_you() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-10-20", thank_you_sent=False)
    b.talk("Ana", "2026-11-01", thank_you_sent=True)
    assert items(follow_ups(b.snapshot(), today=TODAY)) == []


def test_a_run_of_unthanked_conversations_is_one_item_dated_from_the_first() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-10-01", thank_you_sent=False)
    b.talk("Ana", "2026-10-10", thank_you_sent=True)
    b.talk("Ana", "2026-10-20", thank_you_sent=False)
    b.talk("Ana", "2026-11-01", thank_you_sent=False)
    r = follow_ups(b.snapshot(), today=TODAY)
    # The run starts on Oct 20 (Oct 10 was thanked): due Oct 22, 19 days before TODAY.
    assert items(r) == [("Ana", "thank_you", "2026-10-22", 19, "overdue")]
    assert r["organizers"][0]["items"][0]["what"] == "thank-you for 2 conversations since 2026-10-20"


def test_a_thank_you_left_blank_is_not_counted() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01")
    assert items(follow_ups(b.snapshot(), today=TODAY)) == []


def test_assignments_due_within_a_week_are_due_and_past_ones_overdue() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01", follow_up_assignment="record a moment of short staffing",
           follow_up_due="2026-11-08")
    b.talk("Ben", "2026-11-01", follow_up_assignment="ask two coworkers", follow_up_due="2026-11-15")
    b.talk("Cy", "2026-11-01", follow_up_assignment="far away", follow_up_due="2026-12-31")
    b.talk("Dot", "2026-11-01", follow_up_assignment="no date")
    assert items(follow_ups(b.snapshot(), today=TODAY)) == [
        ("Ana", "assignment", "2026-11-08", 2, "overdue"),
        ("Ben", "assignment", "2026-11-15", -5, "due")]


def test_only_the_latest_conversations_assignment_counts() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-10-01", follow_up_assignment="old", follow_up_due="2026-10-08")
    b.talk("Ana", "2026-11-01")
    assert items(follow_ups(b.snapshot(), today=TODAY)) == []


def test_a_yes_is_followed_up_until_a_check_in_on_or_after_its_date() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-10-01", response="yes", action="come to the Oct 5 meeting", due="2026-10-05")
    b.talk("Ana", "2026-10-04")  # before the date: does not settle it
    b.talk("Ben", "2026-10-01", response="yes", action="come to the Oct 5 meeting", due="2026-10-05")
    b.talk("Ben", "2026-10-06")  # after: settled
    b.talk("Cy", "2026-10-01", response="yes", action="sign", due="2026-10-05")
    b.talk("Cy", "2026-10-03", response="no")  # withdrawn
    r = follow_ups(b.snapshot(), today=TODAY)
    assert items(r) == [("Ana", "commitment", "2026-10-05", 36, "overdue")]
    assert r["organizers"][0]["items"][0]["what"] == "come to the Oct 5 meeting"


def test_items_go_to_the_organizer_who_last_spoke_with_the_person_most_overdue_first() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-10-01", organizer="Maya", response="yes", action="x", due="2026-11-09")
    b.talk("Ana", "2026-10-02", organizer="Sam", thank_you_sent=False)
    b.talk("Ben", "2026-11-01", organizer="Maya", thank_you_sent=False)
    b.talk("Cy", "2026-11-05", organizer="Zoe")
    r = follow_ups(b.snapshot(), today=TODAY)
    assert [(o["organizer"], o["overdue"], o["due"]) for o in r["organizers"]] == [
        ("Maya", 1, 0), ("Sam", 2, 0), ("Zoe", 0, 0)]
    assert items(r, "Sam") == [("Ana", "thank_you", "2026-10-04", 37, "overdue"),
                               ("Ana", "commitment", "2026-11-09", 1, "overdue")]
    assert r["totals"] == {"overdue": 3, "due": 0}
    assert r["today"] == "2026-11-10"


def test_an_item_due_today_is_due_not_overdue() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-08", thank_you_sent=False)
    assert items(follow_ups(b.snapshot(), today=TODAY)) == [
        ("Ana", "thank_you", "2026-11-10", 0, "due")]


def test_without_words_an_item_says_what_it_is_not_what_was_said() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01", follow_up_assignment="record a moment of short staffing",
           follow_up_due="2026-11-08")
    snap = b.snapshot()
    assert [i["what"] for o in follow_ups(snap, today=TODAY)["organizers"]
            for i in o["items"]] == ["record a moment of short staffing"]
    without = follow_ups(snap, today=TODAY, words=False)
    assert [i["what"] for o in without["organizers"] for i in o["items"]] == ["(assignment)"]
    assert items(without) == items(follow_ups(snap, today=TODAY))
