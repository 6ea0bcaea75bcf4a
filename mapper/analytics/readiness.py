"""Ready to ask: contacts ranked by readiness with the reasons shown, and the ladder for the committed."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mapper.analytics._common import (ASSESSMENT_LABELS, PersonState, anger_word, angry_issues,
                                      committed_people, contacted_people, default_today,
                                      dm_label, issue_counts, issue_name, iso, latest_named,
                                      organizing_people, person_name, person_states,
                                      trust_adjacency, trusted_in, unit_of)
from mapper.analytics.attempts import (ATTEMPT_POINTS, asked_in_attempts, attempt_points,
                                       attempt_reasons, failed_attempts, refused_asks)
from mapper.analytics.closing import commitment_results, kept_by_person
from mapper.analytics.status import assignee, present
from mapper.snapshot import Commitment, Snapshot

__all__ = ["WEIGHTS", "SCORE_PARTS", "ask_queue", "ladder", "next_step", "RUNGS", "MIN_SHARED_ACTION",
           "shared_actions", "action_of", "AskContext", "ask_context", "ask_entry", "ask_order",
           "ranked_issues", "own_points", "anger_points", "shared_points", "trust_points",
           "ask_history", "waited",
           "took_action", "names_action", "AGREED_ACTION"]

#: Points behind the readiness score; the reasons shown name the same things.
WEIGHTS: dict[str, Any] = {
    "anger": 1.0,            # per point of anger on the top issue (3..5)
    "shared": 1.0,           # x log2(1 + others angry about the top issue), at most 3 points
    "more_issues": 0.5,      # per further issue they are angry about, at most 2 counted
    "realization": 1.5,      # each of the three realizations of step 3
    "all_realizations": 1.0,  # bonus when all three are there
    "hope": 0.5,             # per point of hope (0..5)
    "wants_to_talk_again": 1.0,
    "will_attend_meeting": 2.0,
    "assessment": {1: 3.0, 2: 2.0, 3: 0.0, 4: -4.0, 5: -8.0},
    "committed_tie": 1.5,    # per committed person they trust, at most 2 counted
    "never_asked": 1.0,
    "ask_again": 1.0,        # said maybe / no longer than wait_days ago
    "asked_recently": -1.0,  # asked within wait_days, no yes
    "said_no_recently": -3.0,
    "fear": -1.5,            # per fear voiced in the latest conversation, at most 3 counted
    # per failed contact attempt since the latest 1-on-1, at most 3 of each outcome counted
    "attempt": ATTEMPT_POINTS,
}



def _pts(x: float) -> str:
    """A weight as signed points: +1, +1.5, −3."""
    return f"{'+' if x > 0 else '−' if x < 0 else ''}{abs(x):g}"


_A = ATTEMPT_POINTS
#: What the readiness score adds up, in words, built from :data:`WEIGHTS` (shown where the score
#: is, e.g. as the Score column's tooltip).
SCORE_PARTS: tuple[str, ...] = (
    f"anger on their top issue: {_pts(WEIGHTS['anger'])} per point",
    f"others angry about it: {_pts(WEIGHTS['shared'])} × log2(1 + others), up to +3",
    f"each further angry issue: {_pts(WEIGHTS['more_issues'])} (2 at most)",
    f"each of the three realizations: {_pts(WEIGHTS['realization'])}, all three "
    f"{_pts(WEIGHTS['all_realizations'])} more",
    f"hope: {_pts(WEIGHTS['hope'])} per point",
    f"wants to talk again {_pts(WEIGHTS['wants_to_talk_again'])}, will come to a meeting "
    f"{_pts(WEIGHTS['will_attend_meeting'])}",
    "your rating 1…5: " + ", ".join(_pts(WEIGHTS["assessment"][r]) for r in range(1, 6)),
    f"each committed person they trust: {_pts(WEIGHTS['committed_tie'])} (2 at most)",
    f"never asked {_pts(WEIGHTS['never_asked'])}, time to ask again {_pts(WEIGHTS['ask_again'])}, "
    f"asked recently {_pts(WEIGHTS['asked_recently'])}, said no recently "
    f"{_pts(WEIGHTS['said_no_recently'])}",
    f"each fear voiced: {_pts(WEIGHTS['fear'])} (3 at most)",
    f"each failed attempt since the last 1-on-1: refused {_pts(_A['refused'])}, not now "
    f"{_pts(_A['not_now'])}, wrong number {_pts(_A['wrong_number'])}, no answer "
    f"{_pts(_A['no_answer'])} (3 of each at most)",
)

#: The ladder of engagement, lowest rung first.
RUNGS = ("said yes", "took action", "brought a coworker", "leads in their unit",
         "organizing committee")


#: An action becomes a suggestion for others only once this many people said yes to it: below
#: that, its words are one worker's own plan (and can name what happened to them).
MIN_SHARED_ACTION = 3


def action_of(snapshot: Snapshot, com: Commitment | None) -> str | None:
    """The words of an ask's action, when the snapshot holds them (:attr:`Snapshot.texts`)."""
    if com is None or not com.has_action:
        return None
    text = snapshot.texts.get(com.conversation)
    return text.action if text is not None else None


def shared_actions(snapshot: Snapshot) -> set[str]:
    """Actions enough different people said yes to that they are the campaign's, not one person's.

    Only the words in :attr:`Snapshot.texts` count: a snapshot without them shares none.
    """
    people: dict[str, set[str]] = {}
    for c in snapshot.conversations:
        com = c.commitment
        action = action_of(snapshot, com) if com is not None and com.response == "yes" else None
        if action:
            people.setdefault(action, set()).add(c.person)
    return {a for a, who in people.items() if len(who) >= MIN_SHARED_ACTION}


def _plans(snapshot: Snapshot, angry: dict[str, dict[str, int]], today: dt.date | None,
           shared: set[str]) -> dict:
    """Per issue, the upcoming shared action most people angry about it have said yes to."""
    counts: dict[str, Counter] = {}
    first_due: dict[tuple[str, str], dt.date] = {}
    for c in snapshot.conversations:
        com = c.commitment
        if com is None or com.response != "yes":
            continue
        action = action_of(snapshot, com)
        if action not in shared:
            continue
        if today is not None and com.due is not None and com.due < today:
            continue
        for issue in angry.get(c.person, ()):
            counts.setdefault(issue, Counter())[action] += 1
            if com.due is not None:
                k = (issue, action)
                first_due[k] = min(com.due, first_due.get(k, com.due))
    out = {}
    for issue, actions in counts.items():
        action, n = min(actions.items(), key=lambda kv: (
            -kv[1], first_due.get((issue, kv[0]), dt.date.max), kv[0]))
        out[issue] = (action, n)
    return out


def _sees_who_can_fix(snapshot: Snapshot, named: dict, person: str, ranked: list[str],
                      top: str | None) -> str:
    # Name the decision maker they named for their top issue, else for their next issue.
    for issue in ranked:
        dms = sorted(named.get((person, issue), ()))
        if dms:
            what = "it" if issue == top else issue_name(snapshot, issue)
            return f"sees that {dm_label(snapshot, dms[0])} can fix {what}"
    return "sees that a decision maker can fix it"


def _ago(days: int) -> str:
    """How long ago, as said aloud: "today", "1 day ago", "12 days ago".

    >>> _ago(0), _ago(1), _ago(12)
    ('today', '1 day ago', '12 days ago')
    """
    return "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} ago"


def _messengers(committed: list[str], organizers: set[str] | None) -> list[str]:
    """Whom a contact trusts who could carry the ask: the committed, and the organizers on
    the campaign's lists (already organizing, as talk-next counts them committed)."""
    return [*committed, *(organizers - set(committed))] if organizers else committed


def _messenger(snapshot: Snapshot, person: str, trusted: list[str],
               st: PersonState) -> dict[str, Any]:
    unit = unit_of(snapshot, person)
    best = sorted(trusted, key=lambda n: (unit_of(snapshot, n) != unit, person_name(snapshot, n), n))
    if best:
        return {"kind": "coworker", "key": best[0], "name": person_name(snapshot, best[0])}
    return {"kind": "organizer", "key": None, "name": st.latest.organizer}


@dataclass(slots=True)
class AskContext:
    """What the ask queue reads from the whole campaign: each contact's entry (:func:`ask_entry`)
    needs these, not the campaign. :func:`ask_context` takes them from a snapshot; a read model
    (:mod:`mapper.readmodel`) from the counts it keeps."""

    today: dt.date | None
    angry: dict[str, dict[str, int]]  # the people's angry issues (at least those listed)
    shared: dict[str, int]  # issue -> people angry about it, in the whole campaign
    trusts: dict[str, set[str]]  # person -> committed people they trust
    named: dict[tuple[str, str], frozenset[str]]
    tries: dict[str, dict[str, list[dt.date]]]
    asked_by_attempt: dict[str, dt.date]
    campaign_actions: set[str]
    plans: dict[str, tuple[str, int]]
    refused: set[str]  # those whose latest ask, by an attempt, they refused (refused_asks)
    # person -> the organizers on the campaign's lists they trust (organizing_people): each
    # may be their messenger, as a committed coworker is; no points (the score's trust is
    # in the committed).
    organizers: dict[str, set[str]] = field(default_factory=dict)


def ask_context(snapshot: Snapshot, today: dt.date | None, min_anger: int = 3) -> AskContext:
    """The :class:`AskContext` of a snapshot of the people still in the workplace."""
    angry = angry_issues(snapshot, min_anger)
    committed = committed_people(snapshot)
    campaign_actions = shared_actions(snapshot)
    organizing = organizing_people(snapshot)
    return AskContext(
        today=today, angry=angry, shared=issue_counts(angry),
        trusts=trusted_in(snapshot, committed),  # the committed people each person trusts
        named=latest_named(snapshot),
        tries=failed_attempts(snapshot) if snapshot.updates else {},
        asked_by_attempt=asked_in_attempts(snapshot) if snapshot.updates else {},
        campaign_actions=campaign_actions,
        plans=_plans(snapshot, angry, today, campaign_actions),
        refused=refused_asks(snapshot) if snapshot.updates else set(),
        organizers=trusted_in(snapshot, organizing) if organizing else {})


def ranked_issues(mine: dict[str, int], shared: dict[str, int],
                  name: Callable[[str], str]) -> list[str]:
    """A contact's angry issues, the one to ask on first: angriest, most shared, by name."""
    return (sorted(mine, key=lambda i: (-mine[i], -shared[i], name(i), i))
            if len(mine) > 1 else list(mine))


def own_points(st: PersonState, tries: dict[str, list[dt.date]] | None) -> tuple[float, bool]:
    """The points of a contact's own state (realizations, hope, meeting, the organizer's
    rating, failed attempts, fears), and whether they are ready to be asked at all."""
    w = WEIGHTS
    realized = [st.cares_about_problem, st.decision_maker_can_fix, st.wont_fix_without_pressure]
    score = w["realization"] * sum(1 for r in realized if r)
    if all(realized):
        score += w["all_realizations"]
    if st.hope is not None:
        score += w["hope"] * st.hope
    if st.wants_to_talk_again:
        score += w["wants_to_talk_again"]
    if st.will_attend_meeting:
        score += w["will_attend_meeting"]
    if st.assessment is not None:
        score += w["assessment"].get(st.assessment, 0.0)
    if tries:
        score += attempt_points(tries)
    score += w["fear"] * min(3, st.latest.fears_count)
    return score, not (st.assessment is not None and st.assessment >= 4)


def anger_points(mine: dict[str, int], ranked: list[str], shared: dict[str, int]) -> float:
    """The points of a contact's anger: on their top issue, shared with others, and more issues."""
    if not ranked:
        return 0.0
    w = WEIGHTS
    top = ranked[0]
    return (w["anger"] * mine[top] + shared_points(shared[top])
            + w["more_issues"] * min(2, len(ranked) - 1))


def shared_points(people: int) -> float:
    """The points of a top issue ``people`` are angry about (the contact among them): more
    the more share it, at most 3 (reached at 8 people; more move no one's score)."""
    return min(3.0, WEIGHTS["shared"] * math.log2(people))


def trust_points(trusted: int) -> float:
    """The points of trusting ``trusted`` committed people."""
    return WEIGHTS["committed_tie"] * min(2, trusted)


def ask_history(asked: dt.date | None, said: str | None, tried: dt.date | None,
                today: dt.date | None, wait_days: int,
                refused: bool = False) -> tuple[float, str, Any]:
    """The points of a contact's ask history and what it was: ``("never", None)``, ``("no",
    days)`` (said no within ``wait_days``), ``("refused", days)`` (refused an ask by an
    attempt within ``wait_days``: its points those of ``"recent"``, the refusal's own are the
    attempt's), ``("recent", (days, said maybe, by attempt))``, ``("again", (said, days))`` or
    ``("", None)``. ``asked``/``said``: the date and answer of their latest ask in a 1-on-1;
    ``tried``: their latest attempt that was an ask, ``refused`` whether they refused it
    (:func:`mapper.analytics.attempts.refused_asks`)."""
    w = WEIGHTS
    if asked is None and tried is None:
        return w["never_asked"], "never", None
    by_attempt = tried is not None and (asked is None or tried > asked)
    asked_on = tried if by_attempt else asked
    days = (today - asked_on).days if today is not None else None
    said = said if asked is not None and said in ("maybe", "no") else None
    said_days = (today - asked).days if today is not None and said else None
    if said == "no" and said_days is not None and said_days <= wait_days:
        return w["said_no_recently"], "no", said_days
    if days is not None and days <= wait_days:
        if by_attempt and refused:
            return w["asked_recently"], "refused", days
        return w["asked_recently"], "recent", (days, said == "maybe" and not by_attempt)
    if said is not None:
        return w["ask_again"], "again", (said, said_days)
    return 0.0, "", None


def waited(what: str) -> bool:
    """Whether an ask history (:func:`ask_history`'s ``what``) lets someone be asked: not
    within the wait after they said no, or refused an ask (followed up, not asked again a
    week later)."""
    return what not in ("no", "refused")


def ask_entry(snapshot: Snapshot, person: str, st: PersonState, ctx: AskContext,
              wait_days: int = 30) -> dict[str, Any]:
    """One contact's place in the ask queue: score, reasons, the ask and its messenger."""
    today = ctx.today
    reasons: list[str] = []
    cautions: list[str] = []
    mine = ctx.angry.get(person, {})
    ranked = ranked_issues(mine, ctx.shared, lambda i: issue_name(snapshot, i))
    top = ranked[0] if ranked else None
    if top is not None:
        others = ctx.shared[top] - 1
        reasons.append(f"{anger_word(mine[top])} about {issue_name(snapshot, top)}"
                       + (f" (shared by {others} other{'s' if others != 1 else ''})"
                          if others else " (no one else yet)"))
        for i in ranked[1:3]:
            reasons.append(f"also {anger_word(mine[i])} about {issue_name(snapshot, i)}")
    if st.cares_about_problem:
        reasons.append("cares about the problem")
    if st.decision_maker_can_fix:
        reasons.append(_sees_who_can_fix(snapshot, ctx.named, person, ranked, top))
    if st.wont_fix_without_pressure:
        reasons.append("knows it won't be fixed without pressure")
    if st.hope is not None:
        if st.hope >= 3:
            reasons.append(f"hopeful ({st.hope}/5)")
        elif st.hope <= 1:
            cautions.append(f"little hope ({st.hope}/5) — share a win before asking")
    if st.wants_to_talk_again:
        reasons.append("wants to talk again")
    if st.will_attend_meeting:
        reasons.append("will come to a meeting")
    if st.assessment is not None:
        label = f"rated {st.assessment} ({ASSESSMENT_LABELS.get(st.assessment, '?')})"
        if st.assessment >= 4:
            cautions.append(f"{label} — not ready to ask")
        elif st.assessment <= 2:
            reasons.append(label)
    trusts = ctx.trusts.get(person)
    trusted = sorted(trusts, key=lambda n: (person_name(snapshot, n), n)) if trusts else []
    if trusted:
        names = ", ".join(person_name(snapshot, n) for n in trusted[:2])
        more = f" and {len(trusted) - 2} more" if len(trusted) > 2 else ""
        reasons.append(f"trusts committed {names}{more}")
    ask = st.last_ask
    history, what, detail = ask_history(ask.date if ask is not None else None,
                                        ask.response if ask is not None else None,
                                        ctx.asked_by_attempt.get(person), today, wait_days,
                                        person in ctx.refused)
    if what == "never":
        reasons.append("not asked yet")
    elif what == "no":
        again = iso(today + dt.timedelta(days=wait_days - detail + 1))
        cautions.append(f"said no {_ago(detail)} — follow up, don't ask again before {again}")
    elif what == "refused":
        again = iso(today + dt.timedelta(days=wait_days - detail + 1))
        cautions.append(f"refused when asked {_ago(detail)} — follow up, don't ask again "
                        f"before {again}")
    elif what == "recent":
        days, maybe = detail
        cautions.append(f"asked {_ago(days)}" + (" (said maybe)" if maybe else "")
                        + " — follow up before asking again")
    elif what == "again":
        said, said_days = detail
        reasons.append(f"said {said} {_ago(said_days)} — time to ask again"
                       if said_days is not None else f"said {said} — time to ask again")
    mine_tries = ctx.tries.get(person)
    if mine_tries:
        cautions += attempt_reasons(mine_tries)
    n = st.latest.fears_count
    if n:
        # What they fear is personal: the organizer who held the talk reads it on the person page.
        cautions.append(f"voiced {'a fear' if n == 1 else f'{n} fears'} — address before asking")
    own, ready = own_points(st, mine_tries)
    ready = ready and waited(what)
    # Summed in this order wherever a score is computed (a read model ranks with it too).
    score = own + anger_points(mine, ranked, ctx.shared) + trust_points(len(trusted)) + history

    # The ask: reuse an open ask, else the plan for the top issue, else the earlier action.
    campaign_actions = ctx.campaign_actions
    action = action_of(snapshot, ask)
    if (ask is not None and ask.has_action and ask.response != "no"
            and (ask.due is None or today is None or ask.due >= today)):
        suggestion = (f"ask again: {action}" if action in campaign_actions
                      else "follow up on the earlier ask")
    elif top is not None and top in ctx.plans:
        action, n = ctx.plans[top]
        suggestion = (f"{action} ({n} other{'s' if n != 1 else ''} angry about "
                      f"{issue_name(snapshot, top)} said yes)")
    elif ask is not None and ask.has_action:
        suggestion = (f"{action} — again, with a new date" if action in campaign_actions
                      else "the earlier ask again, with a new date")
    elif top is not None:
        suggestion = f"come to the next meeting on {issue_name(snapshot, top)}"
    else:
        suggestion = "another 1-on-1 to find what moves them"
    return {
        "person": person,
        "name": person_name(snapshot, person),
        "unit": unit_of(snapshot, person),
        "score": round(score, 1),
        "ready": ready,
        "top_issue": {"key": top, "name": issue_name(snapshot, top)} if top else None,
        "reasons": reasons + cautions,
        "suggested_ask": suggestion,
        "messenger": _messenger(snapshot, person, _messengers(trusted, ctx.organizers.get(person)),
                                st),
        "assigned_to": assignee(snapshot, person),
    }


def ask_order(e: dict[str, Any]) -> tuple:
    """The ask queue's order: ready first, then score, name, key."""
    return (not e["ready"], -e["score"], e["name"], e["person"])


def ask_queue(snapshot: Snapshot, *, today: dt.date | None = None, limit: int | None = None,
              min_anger: int = 3, wait_days: int = 30) -> list[dict[str, Any]]:
    """Contacts not yet committed, most ready to be asked first, each with the reasons why.

    Everyone with at least one conversation whose latest answered ask is not "yes", and who
    is not an organizer of the campaign
    (:func:`~mapper.analytics._common.organizing_people`: she does the asking, whatever a
    1-on-1 about her says; her anger still counts for those who share it), is scored
    from their current state (the latest recorded value of each field; fears from the latest
    conversation only) with the points in :data:`WEIGHTS`: strong anger (>= ``min_anger``,
    latest mention per issue) on an issue others share, the three realizations, hope, wanting
    to talk again and to come to a meeting, the organizer's assessment, trust ties to committed
    people, and the ask history — never asked, or a maybe / no longer than ``wait_days`` ago,
    raise it; an ask within ``wait_days`` lowers it, a recent "no" more. Voiced fears lower it.
    A contact attempt marked as an ask (``asked: true``) counts as an ask on its date, as a
    1-on-1's does. Failed contact attempts since the latest 1-on-1 (refused, not now, wrong
    number, no answer) lower it by ``WEIGHTS["attempt"]`` each, a refusal most, and are named
    in the reasons by what and when ("2 calls not answered since 2026-11-20").
    People who left the workplace are not listed.

    People assessed 4-5 (leaning against, opposed), and people who said no, or refused an
    ask by an attempt, within ``wait_days`` (followed up, not asked again: :func:`waited`),
    are listed with ``ready`` false, after all ready people. ``today`` defaults to the date
    of the latest conversation or update, so the answer depends on the data alone.

    The suggested ask follows the plan: an earlier ask still open (maybe, no answer, date not
    passed) is asked again; otherwise the upcoming action most people angry about their top
    issue have said yes to; otherwise the earlier action with a new date; otherwise the next
    meeting on their top issue. An action's own words are shown only once at least
    :data:`MIN_SHARED_ACTION` people said yes to it (it is then the campaign's plan, not one
    worker's words about what happened to them), and only from :attr:`Snapshot.texts` (the
    graph holds no action's words); voiced fears lower the score and are named
    as "voiced a fear", never by content. The messenger is a committed person they trust, or
    an organizer of the campaign on its lists they trust
    (:func:`~mapper.analytics._common.organizing_people`: she is already organizing, a
    committed coworker; not counted in the score), same unit first, then by name; else the
    organizer who last spoke with them.

    Returns
    -------
    list of dict
        ``person``, ``name``, ``unit``, ``score``, ``ready``, ``top_issue`` (``key``, ``name``
        or ``None``), ``reasons``, ``suggested_ask``, ``messenger`` (``kind`` coworker |
        organizer, ``key``, ``name``); ranked by ready, score, name.

    Examples
    --------
    >>> from mapper.analytics.examples import example_snapshot
    >>> q = ask_queue(example_snapshot())
    >>> [(e["name"], e["ready"]) for e in q]
    [('Cruz Diaz', True), ('Dee Wong', True), ('Hal Moss', False)]
    >>> q[0]["reasons"][:4]  # doctest: +NORMALIZE_WHITESPACE
    ['very angry about short staffing (shared by 2 others)', 'also angry about parking',
     'cares about the problem', 'sees that Lee Chu (Facilities Director) can fix parking']
    >>> q[0]["suggested_ask"], q[0]["messenger"]["name"]
    ('come to the next meeting on short staffing', 'Ana Lopez')
    """
    snapshot = present(snapshot)
    today = default_today(snapshot, today)
    ctx = ask_context(snapshot, today, min_anger)
    # An organizer does the asking: never one to ask, whatever was recorded about her.
    not_asked = committed_people(snapshot) | organizing_people(snapshot)
    out = [ask_entry(snapshot, person, st, ctx, wait_days)
           for person, st in person_states(snapshot).items() if person not in not_asked]
    out.sort(key=ask_order)
    return out[:limit] if limit is not None else out


def took_action(snapshot: Snapshot, *, today: dt.date | None = None) -> int:
    """How many committed people are past the ladder's first rung (took action or more)."""
    return sum(1 for e in ladder(snapshot, today=today) if e["level"] >= 2)


#: What the ladder's next step says of an agreed action whose words it was not given.
AGREED_ACTION = "the agreed action"
_FIRST_ACTION = "agree a first action: come to the next meeting"
#: The first rung's next steps that give no one's words (:func:`names_action`).
_UNNAMED_STEPS = frozenset({f"follow through: {AGREED_ACTION}",
                            f"agree a new date for {AGREED_ACTION}", _FIRST_ACTION})


def next_step(level: int, unit: str, *, has_action: bool = False, missed: bool = False,
              action: str | None = None, due: str | None = None,
              coworker: str | None = None) -> str:
    """The ladder's next step for someone on rung ``level`` (1..4) of ``unit``: at the first,
    the agreed ``action`` (when the latest yes has one; a new date for it when ``missed``),
    by ``due``; at the second, a ``coworker`` to bring. One wording for :func:`ladder` and the
    read model's (:func:`mapper.readmodel.ladder`).

    >>> next_step(1, "ICU", has_action=True, action="sign the petition", due="2026-12-03")
    'follow through: sign the petition (by 2026-12-03)'
    >>> next_step(2, "ICU", coworker="Ben Ortiz")
    'bring a coworker to the next meeting (e.g. Ben Ortiz)'
    """
    if level == 1:
        action = action or AGREED_ACTION
        if has_action and missed:
            return f"agree a new date for {action}"
        if has_action:
            return f"follow through: {action}" + (f" (by {due})" if due else "")
        return _FIRST_ACTION
    if level == 2:
        return ("bring a coworker to the next meeting"
                + (f" (e.g. {coworker})" if coworker is not None else ""))
    if level == 3:
        return f"lead a meeting in {unit}"
    return f"join the organizing committee for {unit}"


def names_action(entry: dict[str, Any]) -> bool:
    """Whether a :func:`ladder` entry's next step gives the words of the action its person
    agreed to (at the first rung, when the words were read): personal, so printing them is
    audited.

    >>> step = next_step(1, "ICU", has_action=True, due="2026-12-03")
    >>> step, names_action({"level": 1, "next_step": step})
    ('follow through: the agreed action (by 2026-12-03)', False)
    >>> names_action({"level": 1, "next_step": "follow through: sign the petition"})
    True
    """
    if entry["level"] != 1:
        return False
    return re.sub(r" \(by \d{4}-\d{2}-\d{2}\)$", "", entry["next_step"]) not in _UNNAMED_STEPS


def ladder(snapshot: Snapshot, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Committed people (latest answer "yes") with the rung they are on and the next one.

    Rungs (:data:`RUNGS`), highest that holds:

    - *said yes*: at least one yes;
    - *took action*: a commitment marked kept (an update), or two yeses or more of which one
      before the latest was not marked missed (coming back to say yes again is taken as having
      acted on the first; not when the first was missed), or the date of the latest yes has
      passed and it was not marked missed (without an update saying otherwise, a passed date
      is taken as done);
    - *brought a coworker*: someone they referred has since been spoken with;
    - *leads in their unit*: brought a coworker and assessed 1 (leader).

    The next step names a concrete action: the pending action (its words from
    :attr:`Snapshot.texts`, else "the agreed action") and its date, a trusted coworker
    not yet spoken with to bring along (never an organizer of the campaign on its lists,
    :func:`~mapper.analytics._common.organizing_people`: she is already organizing), a
    meeting to lead in their unit, or the committee.
    A latest yes marked missed asks for a new date. People who left the workplace are not
    listed. ``today`` defaults to the date of the latest conversation or update. Ordered by rung
    (highest first), then number of yeses, then name.

    Returns
    -------
    list of dict
        ``person``, ``name``, ``unit``, ``level`` (1..4), ``rung``, ``next_rung``,
        ``next_step``, ``yes_count``, ``since`` (date of the first yes), ``kept`` and
        ``missed`` (commitments marked so by updates).

    Examples
    --------
    >>> from mapper.analytics.examples import example_snapshot
    >>> [(e["name"], e["rung"], e["next_step"]) for e in ladder(example_snapshot())]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('Ana Lopez', 'said yes', 'follow through: come to the Dec 3 meeting (by 2026-12-03)'),
     ('Ben Ortiz', 'said yes', 'follow through: come to the Dec 3 meeting (by 2026-12-03)')]
    """
    snapshot = present(snapshot)
    today = default_today(snapshot, today)
    committed = committed_people(snapshot)
    contacted = contacted_people(snapshot)
    results = commitment_results(snapshot) if snapshot.updates else {}
    kept_missed = kept_by_person(snapshot) if results else {}
    adj = trust_adjacency(snapshot)
    # An organizer on the roster is already organizing: never a coworker to bring.
    organizing = organizing_people(snapshot)
    engaged = contacted | organizing if organizing else contacted
    referred: dict[str, set[str]] = {}
    for t in snapshot.ties:
        if t.kind == "referral":
            referred.setdefault(t.a, set()).add(t.b)
    states = person_states(snapshot)
    out = []
    for person in committed:
        st = states[person]
        yes = st.response
        kept, missed = kept_missed.get(person, (0, 0))
        missed_latest = yes is not None and results.get(yes.conversation, ("", ""))[1] == "missed"
        # An earlier yes counts unless marked missed: two yeses, both missed, are no action.
        took = kept > 0 or st.yes_count - missed + missed_latest >= 2 or (
            yes is not None and yes.due is not None and today is not None and yes.due < today
            and not missed_latest)
        brought = any(r in contacted for r in referred.get(person, ()))
        if brought and st.assessment == 1:
            level = 4
        elif brought:
            level = 3
        elif took:
            level = 2
        else:
            level = 1
        unit = unit_of(snapshot, person)
        has_action = yes is not None and yes.has_action
        coworker = None
        if level == 2:
            new = sorted((n for n in adj.get(person, ()) if n not in engaged),
                         key=lambda n: (-len(adj.get(n, ())), person_name(snapshot, n), n))
            coworker = person_name(snapshot, new[0]) if new else None
        # The words are the person's own: named where the snapshot holds them.
        step = next_step(level, unit, has_action=has_action, missed=missed_latest,
                         action=action_of(snapshot, yes) if level == 1 and has_action else None,
                         due=iso(yes.due) if has_action and yes.due else None,
                         coworker=coworker)
        out.append({
            "person": person,
            "name": person_name(snapshot, person),
            "unit": unit,
            "level": level,
            "rung": RUNGS[level - 1],
            "next_rung": RUNGS[level],
            "next_step": step,
            "yes_count": st.yes_count,
            "since": iso(st.first_yes),
            "kept": kept,
            "missed": missed,
        })
    out.sort(key=lambda e: (-e["level"], -e["yes_count"], e["name"], e["person"]))
    return out
