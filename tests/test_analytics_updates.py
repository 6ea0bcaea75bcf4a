"""Updates after a 1-on-1: each kind changes exactly the answers it should, and nothing else."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from mapper.analytics import (FUNCTIONS, ask_queue, follow_ups, ladder, overview, structure,
                              talk_next)
from mapper.analytics.attempts import attempt_reasons
from mapper.analytics.examples import CampaignBuilder, shuffled
from mapper.analytics.status import left_people, person_status
from mapper.snapshot import Snapshot

TODAY = dt.date(2026, 11, 20)
DATED = {"follow_ups", "my_list", "ask_queue", "ladder"}

ANA = "person:c:ana"
BEN = "person:c:ben"
CY = "person:c:cy"
DEE = "person:c:dee"
EVE = "person:c:eve"
ANA_TALK, BEN_TALK = "2026-11-01-ana", "2026-11-10-ben"


def campaign() -> CampaignBuilder:
    """Ana said yes (due in 5 days); Ben owes a thank-you and an assignment, never asked; Cy said
    maybe; Dee (tied to Ana) and Eve never spoken with. Ben and Dee are given to Maya."""
    b = CampaignBuilder("c")
    for name, unit in [("Ana", "ICU"), ("Ben", "ICU"), ("Cy", "ER"), ("Dee", "ER"), ("Eve", "ER")]:
        b.person(name, unit)
    b.talk("Ana", "2026-11-01", issues={"short staffing": 5}, response="yes",
           action="come to the Dec 3 meeting", due="2026-11-25", assessment=2, thank_you_sent=True)
    b.talk("Ben", "2026-11-10", issues={"short staffing": 4}, assessment=3, hope=3,
           thank_you_sent=False, follow_up_assignment="log a short shift",
           follow_up_due="2026-11-18")
    b.talk("Cy", "2026-11-05", issues={"parking": 4}, response="maybe", assessment=2)
    b.tie("Ana", "Dee")
    b.assign("Ben", "Maya Ortiz", "2026-11-12")
    b.assign("Dee", "Maya Ortiz", "2026-11-12")
    return b


def answers(snapshot: Snapshot) -> dict[str, Any]:
    return json.loads(json.dumps({name: f(snapshot, **({"today": TODAY} if name in DATED else {}))
                                  for name, f in FUNCTIONS.items()}))


BEFORE = answers(campaign().snapshot())


def after(*updates: tuple) -> tuple[dict[str, Any], set[str]]:
    """The answers once ``updates`` (name, date, kind, fields) are logged, and which changed."""
    b = campaign()
    for name, on, kind, fields in updates:
        b.log(name, on, kind, **fields)
    now = answers(b.snapshot())
    return now, {k for k in now if now[k] != BEFORE[k]}


def item_ids(r: dict[str, Any]) -> list[str]:
    return [i["id"] for o in r["organizers"] for i in o["items"]]


def queue(r: list[dict[str, Any]], person: str) -> dict[str, Any]:
    return next(e for e in r if e["person"] == person)


def mine(r: dict[str, Any], person: str) -> dict[str, Any]:
    return next(c for o in r["organizers"] for c in o["contacts"] if c["person"] == person)


# -- the campaign before any update ---------------------------------------------------------------

def test_before_any_update_the_items_and_scores_are_as_worked_by_hand() -> None:
    assert item_ids(BEFORE["follow_ups"]) == [
        f"thank_you:{BEN_TALK}", f"assignment:{BEN_TALK}", f"commitment:{ANA_TALK}"]
    first = BEFORE["follow_ups"]["organizers"][0]["items"][0]
    assert (first["person"], first["conversation"]) == (BEN, BEN_TALK)
    # Ben: anger 4 + 1 (one other angry) + hope 1.5 + never asked 1; Cy: 4 + rated 2 (2) - asked 1.
    assert [(e["name"], e["score"], e["assigned_to"]) for e in BEFORE["ask_queue"]] == [
        ("Ben", 7.5, "Maya Ortiz"), ("Cy", 5.0, None)]
    # Dee: tied to committed Ana 3 + ER gap 3 x 2/3; Eve: the gap only.
    assert [(e["name"], e["score"], e["assigned_to"]) for e in BEFORE["talk_next"]["people"]] == [
        ("Dee", 5.0, "Maya Ortiz"), ("Eve", 2.0, None)]
    assert [(e["name"], e["rung"], e["kept"], e["missed"]) for e in BEFORE["ladder"]] == [
        ("Ana", "said yes", 0, 0)]


# -- closing follow-up items ----------------------------------------------------------------------

def test_a_thank_you_sent_closes_the_thank_you_and_changes_nothing_else() -> None:
    now, changed = after(("Ben", "2026-11-12", "thank_you_sent", {}))
    assert changed == {"follow_ups", "my_list"}
    assert item_ids(now["follow_ups"]) == [f"assignment:{BEN_TALK}", f"commitment:{ANA_TALK}"]
    # Ben's next thing is now the assignment, named by its 1-on-1, not by its words.
    ben = mine(now["my_list"], BEN)
    assert (ben["next"], ben["item"], ben["due"], ben["overdue"]) == (
        "follow_up", f"assignment:{BEN_TALK}", "2026-11-18", True)
    assert ben["what"] == "check the follow-up assignment from the 2026-11-10 conversation"


@pytest.mark.parametrize("kind", ["assignment_done", "assignment_not_done"])
def test_an_assignment_done_or_not_closes_the_assignment_only(kind: str) -> None:
    now, changed = after(("Ben", "2026-11-19", kind, {"conversation": BEN_TALK}))
    assert changed == {"follow_ups"}  # Ben's most urgent item is still the thank-you
    assert item_ids(now["follow_ups"]) == [f"thank_you:{BEN_TALK}", f"commitment:{ANA_TALK}"]


def test_a_kept_commitment_closes_it_and_counts_as_action_taken() -> None:
    now, changed = after(("Ana", "2026-11-19", "commitment_kept", {"conversation": ANA_TALK}))
    assert changed == {"follow_ups", "ladder", "overview"}
    assert item_ids(now["follow_ups"]) == [f"thank_you:{BEN_TALK}", f"assignment:{BEN_TALK}"]
    (ana,) = now["ladder"]
    assert (ana["rung"], ana["level"], ana["kept"], ana["missed"]) == ("took action", 2, 1, 0)
    assert now["overview"]["counts"]["took_action"] == 1
    assert now["overview"]["commitments"]["kept"] == 1
    # Everything else in the overview is as it was.
    for part in ("counts", "commitments"):
        rest = {k: v for k, v in now["overview"][part].items() if k not in ("took_action", "kept")}
        assert rest == {k: v for k, v in BEFORE["overview"][part].items()
                        if k not in ("took_action", "kept")}


def test_a_missed_commitment_closes_it_and_asks_for_a_new_date() -> None:
    now, changed = after(("Ana", "2026-11-26", "commitment_missed", {}))  # the latest yes
    assert changed == {"follow_ups", "ladder", "overview"}
    assert f"commitment:{ANA_TALK}" not in item_ids(now["follow_ups"])
    (ana,) = now["ladder"]
    assert (ana["rung"], ana["missed"]) == ("said yes", 1)
    assert ana["next_step"] == "agree a new date for come to the Dec 3 meeting"
    assert now["overview"]["commitments"]["missed"] == 1
    assert now["overview"]["counts"]["took_action"] == 0


def test_a_passed_date_counts_as_done_unless_the_commitment_was_marked_missed() -> None:
    later = dt.date(2026, 11, 30)
    b = campaign()
    assert ladder(b.snapshot(), today=later)[0]["rung"] == "took action"
    b.log("Ana", "2026-11-26", "commitment_missed", conversation=ANA_TALK)
    assert ladder(b.snapshot(), today=later)[0]["rung"] == "said yes"


def test_two_yeses_both_marked_missed_are_not_action_taken() -> None:
    """Said yes twice and missed both: still on the first rung, not "took action" (two yeses
    stood for action taken even when updates said neither was kept)."""
    later = dt.date(2026, 12, 1)
    b = CampaignBuilder("c")
    first = b.talk("Ana", "2026-10-01", response="yes", action="sign", due="2026-10-10")
    b.log("Ana", "2026-10-11", "commitment_missed", conversation=first)
    second = b.talk("Ana", "2026-10-20", response="yes", action="sign", due="2026-11-30")
    (ana,) = ladder(b.snapshot(), today=later)
    assert (ana["rung"], ana["yes_count"], ana["missed"]) == ("took action", 2, 1)  # date passed
    b.log("Ana", "2026-12-01", "commitment_missed", conversation=second)
    (ana,) = ladder(b.snapshot(), today=later)
    assert (ana["rung"], ana["missed"]) == ("said yes", 2)
    assert ana["next_step"] == "agree a new date for sign"
    # The first missed, the second not yet due: said yes (she has not acted yet).
    b = CampaignBuilder("c")
    first = b.talk("Ana", "2026-10-01", response="yes", due="2026-10-10")
    b.log("Ana", "2026-10-11", "commitment_missed", conversation=first)
    b.talk("Ana", "2026-10-20", response="yes", due="2026-12-20")
    assert ladder(b.snapshot(), today=later)[0]["rung"] == "said yes"
    # An earlier yes not marked missed still counts as done, whatever the latest.
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-10-01", response="yes", due="2026-10-10")
    second = b.talk("Ana", "2026-10-20", response="yes", due="2026-11-20")
    b.log("Ana", "2026-11-21", "commitment_missed", conversation=second)
    assert ladder(b.snapshot(), today=later)[0]["rung"] == "took action"


def test_an_update_without_a_conversation_closes_the_latest_matching_one_on_or_before_it() -> None:
    b = CampaignBuilder("c")
    first = b.talk("Ana", "2026-10-01", response="yes", due="2026-12-01")
    second = b.talk("Ana", "2026-10-20", response="yes", due="2026-12-05")
    b.talk("Ana", "2026-11-01")  # a check-in with no yes: not the one a "kept" is about
    b.log("Ana", "2026-11-05", "commitment_kept")
    b.log("Ana", "2026-10-10", "commitment_kept")  # dated before the second yes: the first
    r = follow_ups(b.snapshot(), today=dt.date(2026, 11, 30))
    assert item_ids(r) == []
    b.talk("Ana", "2026-11-10", response="yes", due="2026-12-03")  # after both: still open
    assert item_ids(follow_ups(b.snapshot(), today=dt.date(2026, 11, 30))) == [
        "commitment:2026-11-10-ana"]
    assert {first, second} == {"2026-10-01-ana", "2026-10-20-ana"}


def test_an_update_naming_another_persons_conversation_closes_nothing() -> None:
    b = campaign()
    b.log("Cy", "2026-11-12", "thank_you_sent", conversation=BEN_TALK)
    assert answers(b.snapshot())["follow_ups"] == BEFORE["follow_ups"]


def test_thanking_an_earlier_conversation_of_a_run_leaves_the_later_ones_owed() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01", thank_you_sent=False)
    b.talk("Ana", "2026-11-05", thank_you_sent=False)
    b.talk("Ana", "2026-11-08", thank_you_sent=False)
    b.log("Ana", "2026-11-06", "thank_you_sent", conversation="2026-11-05-ana")
    (item,) = follow_ups(b.snapshot(), today=TODAY)["organizers"][0]["items"]
    assert (item["id"], item["what"], item["due"]) == (
        "thank_you:2026-11-08-ana", "thank-you for the 2026-11-08 conversation", "2026-11-10")
    b.log("Ana", "2026-11-09", "thank_you_sent")  # the latest unthanked one: nothing owed
    assert item_ids(follow_ups(b.snapshot(), today=TODAY)) == []


# -- contact attempts -----------------------------------------------------------------------------

def test_unanswered_calls_lower_talk_next_and_say_so() -> None:
    now, changed = after(("Dee", "2026-11-15", "attempt", {"outcome": "no_answer"}),
                         ("Dee", "2026-11-17", "attempt", {"outcome": "no-answer"}))
    assert changed == {"talk_next", "my_list"}
    dee = queue(now["talk_next"]["people"], DEE)
    assert dee["score"] == 5.0 - 2 * 0.5
    assert dee["reasons"][-1] == "2 calls not answered since 2026-11-15"
    assert mine(now["my_list"], DEE)["what"] == (
        "first 1-on-1 (2 calls not answered since 2026-11-15)")


@pytest.mark.parametrize(("outcome", "points", "words"), [
    ("no_answer", 0.5, "1 call not answered on 2026-11-15"),
    ("wrong_number", 1.0, "wrong number on 2026-11-15"),
    ("not_now", 1.5, "said not now on 2026-11-15"),
    ("refused", 3.0, "refused on 2026-11-15")])
def test_a_failed_attempt_lowers_readiness_and_is_named_in_the_reasons(
        outcome: str, points: float, words: str) -> None:
    now, changed = after(("Cy", "2026-11-15", "attempt", {"outcome": outcome}))
    assert changed == {"ask_queue"}
    cy = queue(now["ask_queue"], CY)
    assert cy["score"] == 5.0 - points
    assert cy["reasons"] == queue(BEFORE["ask_queue"], CY)["reasons"] + [words]


def test_a_refusal_weighs_more_than_not_now_more_than_no_answer() -> None:
    scores = {}
    for outcome in ("no_answer", "wrong_number", "not_now", "refused"):
        now, _ = after(("Eve", "2026-11-15", "attempt", {"outcome": outcome}))
        scores[outcome] = queue(now["talk_next"]["people"], EVE)["score"]
    assert (scores["refused"] < scores["not_now"] < scores["wrong_number"] < scores["no_answer"]
            < 2.0)


def test_an_attempt_before_the_latest_one_on_one_is_settled_by_it() -> None:
    now, changed = after(("Cy", "2026-11-04", "attempt", {"outcome": "refused"}),
                         ("Cy", "2026-11-05", "attempt", {"outcome": "not_now"}))
    assert changed == set()


def test_an_attempt_that_was_an_ask_counts_as_asked_recently() -> None:
    now, changed = after(("Ben", "2026-11-18", "attempt", {"outcome": "not_now", "asked": True}))
    assert changed == {"ask_queue"}  # on my list, Ben's thank-you still comes first
    ben = queue(now["ask_queue"], BEN)
    # No "never asked" point (-1), asked within 30 days (-1), said not now (-1.5).
    assert ben["score"] == 7.5 - 1.0 - 1.0 - 1.5
    assert "not asked yet" not in ben["reasons"]
    assert ben["reasons"][-2:] == ["asked 2 days ago — follow up before asking again",
                                   "said not now on 2026-11-18"]


def test_an_ask_by_attempt_long_ago_counts_as_asked_not_as_never_asked() -> None:
    b = campaign()
    b.log("Ben", "2026-11-11", "attempt", outcome="no_answer", asked=True)
    ben = queue(ask_queue(b.snapshot(), today=dt.date(2027, 1, 1)), BEN)
    assert "not asked yet" not in ben["reasons"]
    assert ben["reasons"][-1] == "1 call not answered on 2026-11-11"


def test_attempt_reasons_hold_no_ones_words() -> None:
    assert attempt_reasons({"refused": [dt.date(2026, 11, 1), dt.date(2026, 11, 3)],
                            "wrong_number": [dt.date(2026, 11, 2)]}) == [
        "refused 2 times since 2026-11-01", "wrong number on 2026-11-02"]


# -- assessment updates ---------------------------------------------------------------------------

def test_an_assessment_update_changes_the_latest_assessment_everywhere() -> None:
    now, changed = after(("Cy", "2026-11-15", "assessment", {"assessment": 5, "reason": "why"}))
    assert changed == {"ask_queue", "structure", "overview"}
    cy = queue(now["ask_queue"], CY)
    assert cy["ready"] is False and "rated 5 (opposed) — not ready to ask" in cy["reasons"]
    assert cy["score"] == 5.0 - 2.0 - 8.0
    assert now["overview"]["assessment"] == {**BEFORE["overview"]["assessment"], "2": 1, "5": 1}
    er = next(u for u in now["structure"]["units"] if u["unit"] == "ER")
    assert er["supporters"] == 0


def test_an_assessment_on_the_day_of_a_one_on_one_wins_and_an_older_one_does_not() -> None:
    _, changed = after(("Cy", "2026-11-01", "assessment", {"assessment": 5}))
    assert changed == set()
    now, _ = after(("Cy", "2026-11-05", "assessment", {"assessment": 1}))
    assert now["overview"]["assessment"]["1"] == 1


def test_a_note_changes_nothing() -> None:
    _, changed = after(("Ben", "2026-11-15", "note", {"note": "SECRET NOTE"}))
    assert changed == set()


# -- left the workplace ---------------------------------------------------------------------------

def test_someone_who_left_is_in_no_list_and_no_headcount() -> None:
    now, _ = after(("Ben", "2026-11-15", "attempt", {"outcome": "left"}))
    outside = {k: v for k, v in now.items() if k != "overview"}
    assert BEN not in json.dumps(outside)
    assert BEN_TALK not in json.dumps(now["follow_ups"])
    assert now["my_list"]["organizers"][0]["counts"]["contacts"] == 1
    icu = next(u for u in now["structure"]["units"] if u["unit"] == "ICU")
    assert (icu["headcount"], icu["contacted"]) == (1, 1)
    counts, was = now["overview"]["counts"], BEFORE["overview"]["counts"]
    assert counts == {**was, "people": 4, "in_roster": 4, "contacted": 2, "left": 1}
    assert now["overview"]["assessment"]["3"] == 0
    # The conversations held with him are still the campaign's history.
    assert now["overview"]["conversations_per_week"] == BEFORE["overview"]["conversations_per_week"]


def test_a_one_on_one_after_leaving_brings_the_person_back() -> None:
    b = campaign()
    b.log("Ben", "2026-11-15", "attempt", outcome="left")
    assert left_people(b.snapshot()) == {BEN}
    b.talk("Ben", "2026-11-19")
    assert left_people(b.snapshot()) == set()
    assert BEN in {e["person"] for e in ask_queue(b.snapshot(), today=TODAY)}


def test_a_later_attempt_after_leaving_undoes_it() -> None:
    b = campaign()
    b.log("Eve", "2026-11-15", "attempt", outcome="left")
    assert EVE not in {p["person"] for p in talk_next(b.snapshot())["people"]}
    b.log("Eve", "2026-11-18", "attempt", outcome="no_answer")
    assert EVE in {p["person"] for p in talk_next(b.snapshot())["people"]}


def test_person_status_says_where_everyone_stands() -> None:
    b = campaign()
    b.log("Eve", "2026-11-15", "attempt", outcome="wrong_number")
    assert person_status(b.snapshot()) == {ANA: "committed", BEN: "contacted", CY: "asked",
                                           DEE: "uncontacted", EVE: "not_reached"}
    b.log("Eve", "2026-11-16", "attempt", outcome="left")
    b.log("Ben", "2026-11-16", "attempt", outcome="not_now", asked=True)
    status = person_status(b.snapshot())
    assert (status[EVE], status[BEN]) == ("left", "asked")


# -- order does not matter ------------------------------------------------------------------------

def test_updates_in_any_order_give_the_same_answers() -> None:
    b = campaign()
    b.log("Ben", "2026-11-12", "thank_you_sent")
    b.log("Ana", "2026-11-19", "commitment_kept")
    b.log("Cy", "2026-11-15", "attempt", outcome="not_now", asked=True)
    b.log("Cy", "2026-11-16", "assessment", assessment=4)
    b.log("Eve", "2026-11-15", "attempt", outcome="left")
    s = b.snapshot()
    assert all(answers(shuffled(s, seed)) == answers(s) for seed in range(3))
    assert overview(s)["counts"]["left"] == 1 and structure(s)["totals"]["headcount"] == 4


def test_without_a_today_an_ask_by_attempt_after_the_last_talk_is_zero_days_old() -> None:
    b = campaign()
    b.log("Ben", "2026-11-25", "attempt", outcome="not_now", asked=True)
    ben = queue(ask_queue(b.snapshot()), BEN)  # today: the latest thing recorded
    assert "asked today — follow up before asking again" in ben["reasons"]


def test_the_ask_queue_says_today_and_one_day_as_said_aloud() -> None:
    """"asked 0 days ago" and "said no 1 days ago" read as a machine's words."""
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-20", issues={"short staffing": 4}, response="no")
    b.talk("Ben", "2026-11-19", issues={"short staffing": 4}, response="maybe")
    b.talk("Cy", "2026-10-20", issues={"short staffing": 4}, response="maybe")
    b.talk("Dee", "2026-10-19", issues={"short staffing": 4}, response="no")
    q = {e["name"]: e["reasons"] for e in ask_queue(b.snapshot(), today=TODAY)}
    assert "said no today — follow up, don't ask again before 2026-12-21" in q["Ana"]
    assert "asked 1 day ago (said maybe) — follow up before asking again" in q["Ben"]
    assert "asked 31 days ago" not in " ".join(q["Cy"])
    assert "said maybe 31 days ago — time to ask again" in q["Cy"]
    assert "said no 32 days ago — time to ask again" in q["Dee"]


def test_a_follow_up_one_day_late_says_one_day() -> None:
    from dashboard.exports import _when

    assert (_when(1), _when(2), _when(0), _when(-1), _when(-3)) == (
        "1 day late", "2 days late", "today", "in 1 day", "in 3 days")
