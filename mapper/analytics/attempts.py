"""Contact attempts that went nowhere: what they say about a person, and what they cost."""

from __future__ import annotations

import datetime as dt

from mapper.analytics._common import iso
from mapper.snapshot import Snapshot

__all__ = ["FAILED_OUTCOMES", "ATTEMPT_POINTS", "MAX_COUNTED", "failed_attempts",
           "attempt_points", "attempt_reasons", "asked_in_attempts", "refused_asks"]

#: Outcomes of an attempt that did not reach the person, or reached them without a 1-on-1.
FAILED_OUTCOMES = ("refused", "not_now", "wrong_number", "no_answer")

#: Readiness points per failed attempt since the person's latest 1-on-1: a refusal weighs most,
#: an unanswered call least (people miss calls). At most :data:`MAX_COUNTED` of each count.
ATTEMPT_POINTS = {"refused": -3.0, "not_now": -1.5, "wrong_number": -1.0, "no_answer": -0.5}
MAX_COUNTED = 3

_WORDS = {"refused": ("refused", "refused"), "not_now": ("said not now", "said not now"),
          "wrong_number": ("wrong number", "wrong number"),
          "no_answer": ("call not answered", "calls not answered")}


def failed_attempts(snapshot: Snapshot) -> dict[str, dict[str, list[dt.date]]]:
    """``{person: {outcome: dates, oldest first}}``: failed attempts since their latest 1-on-1.

    An attempt on or before the day of a 1-on-1 is settled by it (they were reached after
    all); for someone never spoken with every attempt counts.

    Examples
    --------
    >>> from mapper.analytics.examples import CampaignBuilder
    >>> b = CampaignBuilder("c")
    >>> _ = b.log("Ana", "2026-11-01", "attempt", outcome="no_answer")
    >>> _ = b.talk("Ana", "2026-11-02")
    >>> _ = b.log("Ana", "2026-11-05", "attempt", outcome="no_answer")
    >>> failed_attempts(b.snapshot())
    {'person:c:ana': {'no_answer': [datetime.date(2026, 11, 5)]}}
    """
    failed = [u for u in snapshot.updates if u.update == "attempt" and u.outcome in ATTEMPT_POINTS]
    if not failed:
        return {}
    tried = {u.person for u in failed}
    last_talk: dict[str, dt.date] = {}
    for c in snapshot.conversations:
        if c.person in tried and (c.person not in last_talk or c.date > last_talk[c.person]):
            last_talk[c.person] = c.date
    out: dict[str, dict[str, list[dt.date]]] = {}
    for u in failed:
        talked = last_talk.get(u.person)
        if talked is not None and u.date <= talked:
            continue
        out.setdefault(u.person, {}).setdefault(u.outcome, []).append(u.date)
    for by_outcome in out.values():
        for dates in by_outcome.values():
            dates.sort()
    return dict(sorted(out.items()))


def attempt_points(tries: dict[str, list[dt.date]] | None) -> float:
    """The readiness points one person's failed attempts cost (:data:`ATTEMPT_POINTS`).

    >>> attempt_points({"no_answer": [dt.date(2026, 11, 1)] * 5, "refused": [dt.date(2026, 11, 2)]})
    -4.5
    """
    if not tries:
        return 0.0
    return sum(ATTEMPT_POINTS[o] * min(MAX_COUNTED, len(d)) for o, d in tries.items())


def attempt_reasons(tries: dict[str, list[dt.date]] | None) -> list[str]:
    """The failed attempts in words, most serious first; no one's words, only what and when.

    >>> attempt_reasons({"no_answer": [dt.date(2026, 11, 20), dt.date(2026, 11, 22)],
    ...                  "not_now": [dt.date(2026, 11, 25)]})
    ['said not now on 2026-11-25', '2 calls not answered since 2026-11-20']
    """
    out = []
    for outcome in FAILED_OUTCOMES:
        dates = (tries or {}).get(outcome)
        if not dates:
            continue
        one, many = _WORDS[outcome]
        if outcome == "no_answer":
            out.append(f"1 {one} on {iso(dates[0])}" if len(dates) == 1
                       else f"{len(dates)} {many} since {iso(dates[0])}")
        else:
            out.append(f"{one} on {iso(dates[-1])}" if len(dates) == 1
                       else f"{many} {len(dates)} times since {iso(dates[0])}")
    return out


def asked_in_attempts(snapshot: Snapshot) -> dict[str, dt.date]:
    """The date of each person's latest attempt that was an ask (``asked: true``).

    >>> from mapper.analytics.examples import CampaignBuilder
    >>> b = CampaignBuilder("c")
    >>> _ = b.log("Ana", "2026-11-05", "attempt", outcome="not_now", asked=True)
    >>> asked_in_attempts(b.snapshot())
    {'person:c:ana': datetime.date(2026, 11, 5)}
    """
    out: dict[str, dt.date] = {}
    for u in snapshot.updates:
        if u.update == "attempt" and u.asked and (u.person not in out or u.date > out[u.person]):
            out[u.person] = u.date
    return out


def refused_asks(snapshot: Snapshot) -> set[str]:
    """The people whose latest attempt that was an ask (:func:`asked_in_attempts`) they
    refused, after their latest 1-on-1 (one held that day or later settles it, as it settles
    :func:`failed_attempts`).

    >>> from mapper.analytics.examples import CampaignBuilder
    >>> b = CampaignBuilder("c")
    >>> _ = b.talk("Ana", "2026-11-01")
    >>> _ = b.log("Ana", "2026-11-05", "attempt", outcome="refused", asked=True)
    >>> _ = b.talk("Ben", "2026-11-01")
    >>> _ = b.log("Ben", "2026-11-05", "attempt", outcome="refused", asked=True)
    >>> _ = b.talk("Ben", "2026-11-05")
    >>> refused_asks(b.snapshot())
    {'person:c:ana'}
    """
    asked = asked_in_attempts(snapshot)
    refused = {u.person for u in snapshot.updates
               if u.update == "attempt" and u.asked and u.outcome == "refused"
               and u.date == asked.get(u.person)}
    if not refused:
        return set()
    for c in snapshot.conversations:
        if c.person in refused and c.date >= asked[c.person]:
            refused.discard(c.person)
    return refused
