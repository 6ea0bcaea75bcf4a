"""Overview: the dashboard's front page in numbers."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any

from mapper.analytics._common import (RESPONSES, angry_issues, committed_people,
                                      contacted_people, issue_name, person_states)
from mapper.analytics.closing import commitment_results
from mapper.analytics.status import left_people, present
from mapper.snapshot import Snapshot

__all__ = ["overview"]


#: Past this many weeks between the first conversation and the last, only the weeks that
#: have conversations are listed (a store written before dates were checked may span 9999 years).
MAX_FILLED_WEEKS = 10_000


def _weeks(dates: list[dt.date]) -> list[dict[str, Any]]:
    """Conversations per ISO week, every week from the first to the last (gaps as 0)."""
    return weeks_of(Counter(dates))


def weeks_of(per_day: Mapping[dt.date, int]) -> list[dict[str, Any]]:
    """:func:`_weeks` from how many conversations each day had (a store counts them: half a
    million dates at a million people, one per conversation, took two seconds to count)."""
    if not per_day:
        return []
    # 0001-01-01 is a Monday: no date's Monday is out of range.
    counts: Counter = Counter()
    for d, n in per_day.items():
        counts[d - dt.timedelta(days=d.weekday())] += n
    start, end = min(counts), max(counts)
    span = (end - start).days // 7 + 1
    # Counted in steps from the start, never past the last Monday: 9999-12-27 has no next week.
    mondays = (sorted(counts) if span > MAX_FILLED_WEEKS else
               [start + dt.timedelta(weeks=k) for k in range(span)])
    out = []
    for monday in mondays:
        year, week, _ = monday.isocalendar()
        out.append({"week": f"{year}-W{week:02d}", "start": monday.isoformat(),
                    "conversations": counts.get(monday, 0)})
    return out


def overview(snapshot: Snapshot, *, top: int = 5, min_anger: int = 3) -> dict[str, Any]:
    """Counts for the front page.

    - ``counts``: people known, on the roster, contacted, committed (latest answer yes),
      conversations, organizers; ``took_action``: people with a commitment marked kept;
      ``left``: people who left the workplace. Those who left are not in the other counts
      of people, nor in ``assessment`` and ``top_issues``; the conversations held with
      them stay in the history (``conversations``, ``conversations_per_week``,
      ``commitments``).
    - ``conversations_per_week``: ISO weeks (``week`` as ``2026-W47``, ``start`` its Monday),
      every week from the first conversation to the last.
    - ``assessment``: contacted people by their latest recorded assessment, ``"1"`` .. ``"5"``
      and ``"unrated"``.
    - ``commitments``: every ask made (``asked``), and how they were answered (``yes``,
      ``maybe``, ``no``, ``unanswered``) — asks, not people: one person asked twice counts twice;
      ``kept`` and ``missed``: the yeses marked so by updates.
    - ``top_issues``: the ``top`` issues by people angry (anger >= ``min_anger``, latest
      mention), with their mean anger.

    Examples
    --------
    >>> from mapper.analytics.examples import example_snapshot
    >>> o = overview(example_snapshot())
    >>> o["counts"]  # doctest: +NORMALIZE_WHITESPACE
    {'people': 8, 'in_roster': 7, 'contacted': 5, 'committed': 2, 'conversations': 6,
     'organizers': 2, 'took_action': 0, 'left': 0}
    >>> o["assessment"], o["commitments"]  # doctest: +NORMALIZE_WHITESPACE
    ({'1': 1, '2': 2, '3': 1, '4': 0, '5': 1, 'unrated': 0},
     {'asked': 3, 'yes': 2, 'maybe': 1, 'no': 0, 'unanswered': 0, 'kept': 0, 'missed': 0})
    >>> [w["conversations"] for w in o["conversations_per_week"]]
    [2, 2, 2]
    """
    history = snapshot  # the conversations held, whoever has left since
    gone = left_people(snapshot)
    snapshot = present(snapshot)
    contacted = contacted_people(snapshot)
    states = person_states(snapshot)
    assessment = Counter(s.assessment for s in states.values())
    asks: Counter = Counter()
    for c in history.conversations:
        com = c.commitment
        if com is not None and (com.asked or com.response in RESPONSES):
            asks["asked"] += 1
            asks[com.response if com.response in RESPONSES else "unanswered"] += 1
    results = commitment_results(history) if history.updates else {}
    yeses = {c.id for c in history.conversations
             if c.commitment is not None and c.commitment.response == "yes"}
    for cid, (_, result) in results.items():
        if cid in yeses:
            asks[result] += 1
    took_action = {p for p, r in results.values() if r == "kept"} - gone
    angry = angry_issues(snapshot, min_anger)
    stats: dict[str, list[int]] = {}
    for issues in angry.values():
        for i, a in issues.items():
            s = stats.setdefault(i, [0, 0])
            s[0] += 1
            s[1] += a
    top_issues = sorted(stats, key=lambda i: (-stats[i][0], -stats[i][1],
                                              issue_name(snapshot, i), i))[:top]
    organizers = set(history.organizers.values()) | {c.organizer for c in history.conversations}
    return {
        "counts": {
            "people": len(snapshot.people),
            "in_roster": sum(1 for p in snapshot.people.values() if p.in_roster),
            "contacted": len(contacted),
            "committed": len(committed_people(snapshot)),
            "conversations": len(history.conversations),
            "organizers": len(organizers),
            "took_action": len(took_action),
            "left": len(gone),
        },
        "conversations_per_week": _weeks([c.date for c in history.conversations if c.date]),
        "assessment": {**{str(i): assessment.get(i, 0) for i in range(1, 6)},
                       "unrated": assessment.get(None, 0)},
        "commitments": {k: asks.get(k, 0)
                        for k in ("asked", "yes", "maybe", "no", "unanswered", "kept", "missed")},
        "top_issues": [{"key": i, "name": issue_name(snapshot, i), "people": stats[i][0],
                        "mean_anger": round(stats[i][1] / stats[i][0], 2)} for i in top_issues],
    }
