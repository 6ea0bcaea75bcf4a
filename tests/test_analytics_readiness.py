"""Ready to ask: contacts ranked by readiness, with reasons, an ask and a messenger; the ladder."""

import datetime as dt

from mapper.analytics import ask_queue, ladder
from mapper.analytics.examples import CampaignBuilder

TODAY = dt.date(2026, 11, 1)


def entry(queue: list[dict], name: str) -> dict:
    return next(e for e in queue if e["name"] == name)


def test_score_adds_anger_sharing_hope_and_not_yet_asked() -> None:
    # Ana: anger 5 (5) + one other shares pay, log2(1 + 1) = 1 (1) + hope 4 x 0.5 (2)
    # + never asked (1) = 9.0.  Ben: anger 4 + 1 + never asked = 6.0.
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01", issues={"pay": 5}, hope=4)
    b.talk("Ben", "2026-11-01", issues={"pay": 4})
    q = ask_queue(b.snapshot())
    assert [(e["name"], e["score"]) for e in q] == [("Ana", 9.0), ("Ben", 6.0)]
    assert q[0]["reasons"] == ["furious about pay (shared by 1 other)", "hopeful (4/5)",
                               "not asked yet"]


def test_anger_shared_by_more_people_ranks_a_contact_higher() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01", issues={"short staffing": 4})
    b.talk("Ben", "2026-11-01", issues={"parking": 4})
    for name in ("Cy", "Dot", "Eve"):
        b.talk(name, "2026-11-01", issues={"short staffing": 3}, assessment=5)
    q = ask_queue(b.snapshot())
    assert q[0]["name"] == "Ana"
    assert entry(q, "Ana")["reasons"][0] == "very angry about short staffing (shared by 3 others)"
    assert entry(q, "Ben")["reasons"][0] == "very angry about parking (no one else yet)"
    assert entry(q, "Ana")["score"] - entry(q, "Ben")["score"] == 2.0  # log2(1 + 3)


def test_the_three_realizations_raise_readiness_and_are_given_as_reasons() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01", issues={"pay": 4}, named={"pay": "Carl"},
           cares_about_problem=True, decision_maker_can_fix=True, wont_fix_without_pressure=True)
    b.talk("Ben", "2026-11-01", issues={"pay": 4})
    b.boss("Carl", title="CFO")
    q = ask_queue(b.snapshot())
    # 3 realizations x 1.5 + 1 for all three.
    assert entry(q, "Ana")["score"] - entry(q, "Ben")["score"] == 5.5
    assert entry(q, "Ana")["reasons"][1:4] == [
        "cares about the problem", "sees that Carl (CFO) can fix it",
        "knows it won't be fixed without pressure"]


def test_fears_in_the_latest_conversation_lower_readiness_and_say_address_before_asking() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-10-01", issues={"pay": 4}, fears=("losing shifts",))
    b.talk("Ana", "2026-11-01", fears=("retaliation",))
    b.talk("Ben", "2026-11-01", issues={"pay": 4})
    q = ask_queue(b.snapshot())
    assert entry(q, "Ben")["score"] - entry(q, "Ana")["score"] == 1.5  # one current fear
    # What Ana fears is hers: the queue says there is a fear, the person page says which.
    assert entry(q, "Ana")["reasons"][-1] == "voiced a fear — address before asking"
    assert not any("losing shifts" in r or "retaliation" in r for r in entry(q, "Ana")["reasons"])


def test_a_recent_no_lowers_readiness_and_an_old_no_invites_asking_again() -> None:
    b = CampaignBuilder("c")
    b.talk("Nia", "2026-10-01", issues={"pay": 4}, response="no")   # 31 days before TODAY
    b.talk("Ola", "2026-10-25", issues={"pay": 4}, response="no")   # 7 days before
    b.talk("Pat", "2026-10-25", issues={"pay": 4}, response="maybe")
    q = ask_queue(b.snapshot(), today=TODAY)
    assert [(e["name"], e["ready"]) for e in q] == [("Nia", True), ("Pat", True),
                                                    ("Ola", False)]
    assert "said no 31 days ago — time to ask again" in entry(q, "Nia")["reasons"]
    assert ("said no 7 days ago — follow up, don't ask again before 2026-11-25"
            in entry(q, "Ola")["reasons"])
    assert ("asked 7 days ago (said maybe) — follow up before asking again"
            in entry(q, "Pat")["reasons"])
    # anger 4 + log2(1 + 2 others) = 5.585, then +1 ask again / -1 asked recently / -3 said no
    assert [e["score"] for e in q] == [6.6, 4.6, 2.6]


def test_a_no_is_respected_not_ready_within_the_wait_however_high_the_score() -> None:
    """A no a week ago ranked above people never asked, ready: "assign the top N" handed out
    first someone who had just said no. Within the wait they are followed up, not asked."""
    b = CampaignBuilder("c")
    b.talk("Cy", "2026-11-24", issues={"staffing": 5}, hope=4, assessment=2, response="no")
    b.talk("Dee", "2026-11-24", issues={"staffing": 3}, assessment=3)
    q = ask_queue(b.snapshot(), today=dt.date(2026, 12, 1))
    assert [(e["name"], e["ready"], e["score"]) for e in q] == [("Dee", True, 5.0),
                                                                ("Cy", False, 7.0)]
    assert ("said no 7 days ago — follow up, don't ask again before 2026-12-25"
            in q[1]["reasons"])
    # The last day of the wait, then the first after it: as before, ready and asked again.
    assert not entry(ask_queue(b.snapshot(), today=dt.date(2026, 12, 24)), "Cy")["ready"]
    later = ask_queue(b.snapshot(), today=dt.date(2026, 12, 25))
    assert [(e["name"], e["ready"]) for e in later] == [("Cy", True), ("Dee", True)]
    assert "said no 31 days ago — time to ask again" in later[0]["reasons"]


def test_a_refusal_when_asked_by_an_attempt_is_respected_as_a_no() -> None:
    """Asked on a call and refused six days ago, then ranked ready: not ready within the wait,
    ready again after it; a 1-on-1 since the refusal settles it."""
    b = CampaignBuilder("c")
    b.talk("Ben", "2026-11-01", issues={"staffing": 5}, hope=4, assessment=2)
    b.log("Ben", "2026-11-25", "attempt", outcome="refused", asked=True)
    b.talk("Dee", "2026-11-01", issues={"staffing": 3})
    q = ask_queue(b.snapshot(), today=dt.date(2026, 12, 1))
    assert [(e["name"], e["ready"]) for e in q] == [("Dee", True), ("Ben", False)]
    assert ("refused when asked 6 days ago — follow up, don't ask again before 2026-12-26"
            in q[1]["reasons"])
    assert entry(ask_queue(b.snapshot(), today=dt.date(2026, 12, 26)), "Ben")["ready"]
    b.log("Dee", "2026-11-25", "attempt", outcome="not_now", asked=True)  # (not a refusal)
    assert entry(ask_queue(b.snapshot(), today=dt.date(2026, 12, 1)), "Dee")["ready"]
    b.talk("Ben", "2026-11-28", issues={"staffing": 5})
    assert entry(ask_queue(b.snapshot(), today=dt.date(2026, 12, 1)), "Ben")["ready"]


def test_people_assessed_four_or_five_are_not_ready_and_come_last() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01", issues={"pay": 5}, hope=5, assessment=4)
    b.talk("Ben", "2026-11-01", issues={"pay": 3})
    q = ask_queue(b.snapshot())
    assert [(e["name"], e["ready"]) for e in q] == [("Ben", True), ("Ana", False)]
    assert "rated 4 (leaning against) — not ready to ask" in q[1]["reasons"]


def test_committed_people_are_not_in_the_queue_but_on_the_ladder() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-10-01", issues={"pay": 5}, response="yes")
    b.talk("Ana", "2026-11-01", hope=5)  # a check-in without an ask keeps her yes
    b.talk("Ben", "2026-10-01", response="yes")
    b.talk("Ben", "2026-11-01", response="no")  # Ben's latest answer is no
    assert [e["name"] for e in ask_queue(b.snapshot())] == ["Ben"]
    assert [e["name"] for e in ladder(b.snapshot())] == ["Ana"]


def test_messenger_is_a_committed_coworker_with_a_tie_same_unit_first() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01", unit="ICU", issues={"pay": 4}, organizer="Sam")
    b.talk("Ben", "2026-10-01", unit="ER", response="yes")
    b.talk("Cy", "2026-10-01", unit="ICU", response="yes")
    b.talk("Dot", "2026-10-01", unit="ICU")
    b.tie("Ana", "Ben")
    b.tie("Ana", "Cy")
    b.tie("Ana", "Dot")
    a = entry(ask_queue(b.snapshot()), "Ana")
    assert a["messenger"] == {"kind": "coworker", "key": "person:c:cy", "name": "Cy"}
    assert "trusts committed Ben, Cy" in a["reasons"]


def test_an_organizer_on_the_roster_they_trust_is_a_messenger_as_a_committed_coworker_is(
        ) -> None:
    """Ana (ICU) trusts Maya Ortiz, who holds the 1-on-1s and works in the ICU, and Ben, who
    said yes and works in the ER: Maya, of her unit, carries the ask. Her tie is no point of
    the score (the score's trust is in the committed)."""
    b = CampaignBuilder("c")
    b.person("Maya Ortiz", unit="ICU")
    b.talk("Ana", "2026-11-01", unit="ICU", issues={"pay": 4}, organizer="Sam")
    b.talk("Ben", "2026-10-01", unit="ER", response="yes", organizer="Maya Ortiz")
    b.tie("Ana", "Maya Ortiz")
    before = entry(ask_queue(b.snapshot()), "Ana")
    b.tie("Ana", "Ben")
    a = entry(ask_queue(b.snapshot()), "Ana")
    assert a["messenger"] == {"kind": "coworker", "key": "person:c:maya ortiz",
                              "name": "Maya Ortiz"}
    assert "trusts committed Ben" in a["reasons"]
    assert before["messenger"] == a["messenger"]
    assert a["score"] == before["score"] + 1.5  # (Ben's tie alone)


def test_an_organizer_with_a_1_on_1_about_her_is_never_in_the_queue() -> None:
    """Maya Ortiz was spoken with (a lead organizer's check-in: furious, rated a leader,
    never asked) and holds 1-on-1s herself: she does the asking, she is not asked. Her anger
    still counts for those who share it (no score moves)."""
    b = CampaignBuilder("c")
    b.talk("Maya Ortiz", "2026-11-01", issues={"pay": 5}, assessment=1, hope=5,
           organizer="Sam")
    b.talk("Ana", "2026-11-01", issues={"pay": 4})
    before = entry(ask_queue(b.snapshot()), "Ana")
    b.talk("Ben", "2026-11-02", issues={"parking": 4}, organizer="Maya Ortiz")
    q = ask_queue(b.snapshot())
    assert [e["name"] for e in q] == ["Ana", "Ben"]
    assert entry(q, "Ana")["score"] == before["score"]
    assert entry(q, "Ana")["reasons"][0] == "very angry about pay (shared by 1 other)"


def test_messenger_without_a_committed_tie_is_the_organizer_who_last_spoke_with_them() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-10-01", organizer="Maya")
    b.talk("Ana", "2026-11-01", organizer="Sam")
    assert ask_queue(b.snapshot())[0]["messenger"] == {"kind": "organizer", "key": None,
                                                       "name": "Sam"}


def plan_campaign() -> CampaignBuilder:
    """Ben and Cy, angry about short staffing, said yes to the Dec 3 meeting."""
    b = CampaignBuilder("c")
    for name in ("Ben", "Cy"):
        b.talk(name, "2026-10-20", issues={"short staffing": 5}, response="yes",
               action="come to the Dec 3 meeting", due="2026-12-03")
    return b


def test_suggested_ask_is_the_plan_for_the_top_issue() -> None:
    b = plan_campaign()
    b.talk("Dee", "2026-10-21", issues={"parking": 3}, response="yes",
           action="come to the Dec 3 meeting", due="2026-12-03")
    b.talk("Ana", "2026-11-01", issues={"short staffing": 4, "parking": 3})
    a = entry(ask_queue(b.snapshot()), "Ana")
    assert a["top_issue"] == {"key": "issue:c:short staffing", "name": "short staffing"}
    assert a["suggested_ask"] == (
        "come to the Dec 3 meeting (2 others angry about short staffing said yes)")


def test_an_action_only_one_or_two_people_took_is_never_suggested_to_others() -> None:
    # Ben's and Cy's own words could name what happened to them: it takes three people saying
    # yes before an action is the campaign's and can be suggested to someone else.
    b = plan_campaign()
    b.talk("Ana", "2026-11-01", issues={"short staffing": 4})
    assert entry(ask_queue(b.snapshot()), "Ana")["suggested_ask"] == (
        "come to the next meeting on short staffing")


def test_an_open_ask_is_asked_again() -> None:
    b = plan_campaign()
    b.talk("Ana", "2026-11-01", issues={"short staffing": 4}, response="maybe",
           action="sign the petition")
    assert entry(ask_queue(b.snapshot()), "Ana")["suggested_ask"] == "follow up on the earlier ask"
    for name in ("Dee", "Eli", "Fay"):  # once the petition is the campaign's, it is named
        b.talk(name, "2026-10-25", response="yes", action="sign the petition")
    assert entry(ask_queue(b.snapshot()), "Ana")["suggested_ask"] == "ask again: sign the petition"


def test_a_turned_down_ask_without_a_plan_is_offered_again_with_a_new_date() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-09-01", issues={"parking": 4}, response="no",
           action="come to the Sep 10 meeting", due="2026-09-10")
    q = ask_queue(b.snapshot(), today=TODAY)
    assert q[0]["suggested_ask"] == "the earlier ask again, with a new date"


def test_without_issue_or_ask_the_suggestion_is_another_one_on_one() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01")
    b.talk("Ben", "2026-11-01", issues={"parking": 3})
    q = ask_queue(b.snapshot())
    assert entry(q, "Ana")["suggested_ask"] == "another 1-on-1 to find what moves them"
    assert entry(q, "Ben")["suggested_ask"] == "come to the next meeting on parking"


def test_limit_keeps_the_most_ready() -> None:
    b = CampaignBuilder("c")
    for n, anger in enumerate([3, 5, 4]):
        b.talk(f"P{n}", "2026-11-01", issues={f"issue {n}": anger})
    assert [e["name"] for e in ask_queue(b.snapshot(), limit=2)] == ["P1", "P2"]


def test_ladder_next_step_is_the_pending_action() -> None:
    b = plan_campaign()
    assert [(e["name"], e["level"], e["rung"], e["next_step"]) for e in ladder(b.snapshot())] == [
        ("Ben", 1, "said yes", "follow through: come to the Dec 3 meeting (by 2026-12-03)"),
        ("Cy", 1, "said yes", "follow through: come to the Dec 3 meeting (by 2026-12-03)")]


def test_ladder_climbs_with_action_taken_a_coworker_brought_and_leadership() -> None:
    b = CampaignBuilder("c")
    b.person("Una", unit="ICU")
    # Ana: her yes date has passed -> took action; she trusts Una, not yet spoken with.
    b.talk("Ana", "2026-10-01", unit="ICU", response="yes", action="come to the Oct 5 meeting",
           due="2026-10-05")
    b.tie("Ana", "Una")
    # Ben referred Vic, who has since been spoken with -> brought a coworker.
    b.talk("Ben", "2026-10-01", unit="ER", response="yes", refers={"Vic": "coworker"})
    b.talk("Vic", "2026-10-20", unit="ER")
    # Cy did the same and is rated a leader -> leads in their unit.
    b.talk("Cy", "2026-10-01", unit="ICU", response="yes", assessment=1, refers={"Wes": None})
    b.talk("Wes", "2026-10-21", unit="ICU")
    rungs = [(e["name"], e["level"], e["rung"], e["next_rung"], e["next_step"])
             for e in ladder(b.snapshot(), today=TODAY)]
    assert rungs == [
        ("Cy", 4, "leads in their unit", "organizing committee",
         "join the organizing committee for ICU"),
        ("Ben", 3, "brought a coworker", "leads in their unit", "lead a meeting in ER"),
        ("Ana", 2, "took action", "brought a coworker",
         "bring a coworker to the next meeting (e.g. Una)"),
    ]


def test_the_ladder_never_suggests_an_organizer_on_the_roster_as_the_coworker_to_bring(
        ) -> None:
    """Maya Ortiz holds the 1-on-1s and is on the roster: Ana trusts her and Una, neither
    spoken with; Maya, trusted by more people, was the one to bring."""
    b = CampaignBuilder("c")
    b.person("Maya Ortiz", unit="ICU")
    b.person("Una", unit="ICU")
    b.talk("Ana", "2026-10-01", unit="ICU", response="yes", due="2026-10-05")
    for coworker in ("Ana", "Ben", "Cy"):
        b.tie("Maya Ortiz", coworker)
    assert [e["next_step"] for e in ladder(b.snapshot(), today=TODAY)] == [
        "bring a coworker to the next meeting"]
    b.tie("Ana", "Una")
    assert [e["next_step"] for e in ladder(b.snapshot(), today=TODAY)] == [
        "bring a coworker to the next meeting (e.g. Una)"]
