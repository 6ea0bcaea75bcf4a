"""Overview: the front page's counts, weekly conversations, assessments, asks and top issues."""

from mapper.analytics import overview
from mapper.analytics.examples import CampaignBuilder
from mapper.snapshot import Snapshot


def campaign() -> CampaignBuilder:
    """4 on the roster (Ana, Ben, Cy, Dot) plus Eve met off-roster; 5 conversations by 2
    organizers in ISO weeks 45 (Nov 2-8) and 47 (Nov 16-22), none in week 46."""
    b = CampaignBuilder("c")
    for name in ("Ana", "Ben", "Cy", "Dot"):
        b.person(name, "ICU")
    b.talk("Ana", "2026-11-02", organizer="Maya", issues={"pay": 5, "parking": 3},
           assessment=3, response="maybe")
    b.talk("Ana", "2026-11-16", organizer="Maya", assessment=1, response="yes")
    b.talk("Ben", "2026-11-03", organizer="Sam", issues={"pay": 4}, assessment=2, response="no")
    b.talk("Cy", "2026-11-20", organizer="Sam", issues={"parking": 2}, asked=True)
    b.talk("Eve", "2026-11-21", organizer="Sam", issues={"pay": 3})
    return b


def test_counts_people_roster_contacts_commitments_conversations_and_organizers() -> None:
    assert overview(campaign().snapshot())["counts"] == {
        "people": 5, "in_roster": 4, "contacted": 4, "committed": 1, "conversations": 5,
        "organizers": 2, "took_action": 0, "left": 0}


def test_conversations_per_iso_week_fill_empty_weeks_with_zero() -> None:
    assert overview(campaign().snapshot())["conversations_per_week"] == [
        {"week": "2026-W45", "start": "2026-11-02", "conversations": 2},
        {"week": "2026-W46", "start": "2026-11-09", "conversations": 0},
        {"week": "2026-W47", "start": "2026-11-16", "conversations": 3}]


def test_assessment_distribution_uses_each_persons_latest_rating() -> None:
    # Ana 3 then 1 -> 1; Ben 2; Cy and Eve unrated.
    assert overview(campaign().snapshot())["assessment"] == {
        "1": 1, "2": 1, "3": 0, "4": 0, "5": 0, "unrated": 2}


def test_commitments_count_every_ask_and_its_answer() -> None:
    assert overview(campaign().snapshot())["commitments"] == {
        "asked": 4, "yes": 1, "maybe": 1, "no": 1, "unanswered": 1, "kept": 0, "missed": 0}


def test_top_issues_by_people_angry() -> None:
    # pay: Ana 5, Ben 4, Eve 3 -> 3 people, mean 4; parking: Ana 3 (Cy's 2 is below 3).
    assert overview(campaign().snapshot(), top=2)["top_issues"] == [
        {"key": "issue:c:pay", "name": "pay", "people": 3, "mean_anger": 4.0},
        {"key": "issue:c:parking", "name": "parking", "people": 1, "mean_anger": 3.0}]


def test_an_empty_campaign_has_zero_everywhere() -> None:
    o = overview(Snapshot("c"))
    assert set(o["counts"].values()) == {0}
    assert o["conversations_per_week"] == [] and o["top_issues"] == []
