"""Talk to next: people not yet spoken with, ranked by trust ties and unit coverage gaps."""

from __future__ import annotations

import heapq
from typing import Any

from mapper.analytics._common import (UNKNOWN_UNIT, angry_issues, committed_people,
                                      contacted_people, organizing_people, person_name,
                                      trust_adjacency, trusted_in, unit_members, unit_of)
from mapper.analytics.attempts import (ATTEMPT_POINTS, attempt_points, attempt_reasons,
                                       failed_attempts)
from mapper.analytics.status import assignee, present
from mapper.snapshot import Snapshot

__all__ = ["TIE_POINTS", "SCORE_PARTS", "talk_next", "organic_leaders"]

#: Points per trusted person, by who they are; a referral adds ``referred``.
TIE_POINTS = {"committed": 3.0, "angry": 2.0, "contacted": 1.0, "referred": 1.0,
              "coverage": 3.0}  # coverage: x (1 - contacted share of their unit)



def _pts(x: float) -> str:
    """A weight as signed points: +1, +1.5, −3."""
    return f"{'+' if x > 0 else '−' if x < 0 else ''}{abs(x):g}"


_A = ATTEMPT_POINTS
#: What the Talk to next score adds up, in words, built from :data:`TIE_POINTS` (shown where
#: the score is, e.g. as the Score column's tooltip).
SCORE_PARTS: tuple[str, ...] = (
    f"each contact who trusts them: committed {_pts(TIE_POINTS['committed'])}, angry "
    f"{_pts(TIE_POINTS['angry'])}, other {_pts(TIE_POINTS['contacted'])}",
    f"referred by that contact: {_pts(TIE_POINTS['referred'])} more",
    f"their unit's gap: {_pts(TIE_POINTS['coverage'])} × the share of it not yet spoken with",
    f"each failed attempt: refused {_pts(_A['refused'])}, not now {_pts(_A['not_now'])}, "
    f"wrong number {_pts(_A['wrong_number'])}, no answer {_pts(_A['no_answer'])} "
    "(3 of each at most)",
)

def organic_leaders(snapshot: Snapshot, *, top: int = 10) -> list[dict[str, Any]]:
    """People many others trust: most ties (and referrals) in the trust graph, contacted or not.

    Degree, not betweenness: it stays linear at a million people. Ties by name, then key.
    People who left the workplace are not counted, nor their ties. An organizer of the
    campaign on its lists (:func:`~mapper.analytics._common.organizing_people`) is marked
    ``organizer`` and ``committed``, not as someone never spoken with.

    Examples
    --------
    >>> from mapper.analytics.examples import example_snapshot
    >>> [(e["name"], e["ties"]) for e in organic_leaders(example_snapshot(), top=2)]
    [('Fay Gold', 3), ('Ana Lopez', 2)]
    """
    snapshot = present(snapshot)
    organizing = organizing_people(snapshot)
    return _leaders(snapshot, trust_adjacency(snapshot), contacted_people(snapshot),
                    committed_people(snapshot) | organizing, organizing, top)


def _leaders(snapshot: Snapshot, adj: dict[str, list[str]], contacted: set[str],
             committed: set[str], organizing: set[str], top: int) -> list[dict[str, Any]]:
    # Names only break ties among the best degrees: rank the few people reaching the top ones.
    cut = min(heapq.nlargest(top, map(len, adj.values())), default=0)
    best = heapq.nsmallest(top, (p for p, n in adj.items() if len(n) >= cut),
                           key=lambda p: (-len(adj[p]), person_name(snapshot, p), p))
    return [{"person": p, "name": person_name(snapshot, p), "unit": unit_of(snapshot, p),
             "ties": len(adj[p]), "contacted": p in contacted, "committed": p in committed,
             "organizer": p in organizing}
            for p in best]


def talk_next(snapshot: Snapshot, *, limit: int | None = None, min_anger: int = 3,
              leaders: int = 10) -> dict[str, Any]:
    """Whom to talk to next: people never spoken with, and the organic leaders.

    Candidates are everyone known and not yet spoken with (roster people, referrals, people
    named in ties). Each trusted person adds :data:`TIE_POINTS`: a committed one (latest answer
    yes) 3, an angry one (anger >= ``min_anger`` on some issue) 2, another contact 1, and 1 more
    when that person referred them; people nobody we know trusts add nothing. Coverage adds up
    to 3 for the gap in their unit: ``3 × (1 − contacted / headcount)`` (headcount as in
    :func:`~mapper.analytics.structure.structure`); a person with no known unit gets none.

    An organizer of the campaign who is on its lists (a person named as an organizer is,
    :func:`~mapper.analytics._common.organizing_people`) is already organizing: never a
    candidate, and for her coworkers a committed person (3 each, and their messenger); she
    still counts as not spoken with in her unit's coverage, as in the structure.

    Failed contact attempts (refused, not now, wrong number, no answer) lower the score as in
    the ask queue (:data:`~mapper.analytics.attempts.ATTEMPT_POINTS`) and are named in the
    reasons. People who left the workplace are not listed, and their ties count for no one.

    The messenger is the trusted contact most likely to open the door: committed first, then
    angry, then referrer, then name.

    Returns
    -------
    dict
        ``people`` [``person``, ``name``, ``unit``, ``in_roster``, ``score``, ``reasons``,
        ``messenger`` (``key``, ``name``, ``committed``) or ``None``, ``assigned_to`` (the
        organizer the contact is given to, or ``None``)], best first, at most
        ``limit``; ``organic_leaders`` as :func:`organic_leaders` with ``top=leaders``.

    Examples
    --------
    >>> from mapper.analytics.examples import example_snapshot
    >>> r = talk_next(example_snapshot())
    >>> [(p["name"], p["score"]) for p in r["people"]]
    [('Eli Fox', 5.0), ('Fay Gold', 3.5), ('Gus Hale', 1.5)]
    >>> r["people"][0]["reasons"]
    ['referred by committed Ana Lopez', 'ICU: 2 of 3 spoken with (67%)']
    """
    snapshot = present(snapshot)
    contacted = contacted_people(snapshot)
    organizing = organizing_people(snapshot)
    committed = committed_people(snapshot) | organizing
    # The contacts, and the organizers among the people: neither is a candidate, both count
    # for the people who trust them.
    engaged = contacted | organizing if organizing else contacted
    # The leaders first, so every person's set of neighbours is gone before the scores are
    # built: the scores need only the contacts among them (at 1M people, sets by the million).
    leading = _leaders(snapshot, trust_adjacency(snapshot), contacted, committed, organizing,
                       leaders)
    known_of = trusted_in(snapshot, engaged)  # person -> the engaged people who trust them
    angry = angry_issues(snapshot, min_anger)
    tries = failed_attempts(snapshot) if snapshot.updates else {}
    referrers: dict[str, set[str]] = {}
    for t in snapshot.ties:
        if t.kind == "referral":
            referrers.setdefault(t.b, set()).add(t.a)
    coverage: dict[str, tuple[int, int]] = {}
    for unit, (headcount, members) in unit_members(snapshot).items():
        coverage[unit] = (len(contacted.intersection(members)), headcount)
    p_ = TIE_POINTS

    kind_points = (p_["committed"], p_["angry"], p_["contacted"])

    def kind(n: str) -> int:  # 0 committed, 1 angry, 2 other contact
        return 0 if n in committed else 1 if n in angry else 2

    points = {n: kind_points[kind(n)] for n in engaged}
    # Per unit, the coverage points and the words for them, the same for everyone in it.
    unit_gap: dict[str, tuple[float, list[str]]] = {}
    for unit, (spoken, headcount) in coverage.items():
        if unit != UNKNOWN_UNIT:
            share = spoken / headcount if headcount else 0.0
            unit_gap[unit] = (p_["coverage"] * max(0.0, 1.0 - share),
                              [f"{unit}: {spoken} of {headcount} spoken with ({round(100 * share)}%)"])
    no_gap = (0.0, [])
    people = snapshot.people

    def score_of(person: str, unit: str | None) -> float:
        score = 0.0
        known = known_of.get(person)
        if known:
            score = float(sum(map(points.__getitem__, known)))
            refs = referrers.get(person)
            if refs:
                score += p_["referred"] * len(known & refs)
        if tries and person in tries:
            score += attempt_points(tries[person])
        return round(score + unit_gap.get(unit or UNKNOWN_UNIT, no_gap)[0], 1)

    def entry(person: str, score: float) -> dict[str, Any]:
        # The words behind a score, built only for the people returned.
        p = people[person]
        unit = p.unit or UNKNOWN_UNIT
        reasons: list[str] = []
        messenger = None
        known_set = known_of.get(person)
        if known_set:
            refs = referrers.get(person, set())
            known = sorted(known_set, key=lambda n: (kind(n), n not in refs,
                                                     person_name(snapshot, n), n))
            for k, word in enumerate(("committed ", "angry ", "")):
                group = [n for n in known if kind(n) == k]
                referred = [n for n in group if n in refs]
                trusted = [n for n in group if n not in refs]
                if referred:
                    reasons.append(f"referred by {word}{_names(snapshot, referred)}")
                if trusted:
                    reasons.append(f"tied to {word}{_names(snapshot, trusted)}")
            m = known[0]
            messenger = {"key": m, "name": person_name(snapshot, m), "committed": m in committed}
        reasons += unit_gap.get(unit, no_gap)[1]
        reasons += attempt_reasons(tries.get(person))
        return {"person": person, "name": p.name, "unit": unit, "in_roster": p.in_roster,
                "score": score, "reasons": reasons, "messenger": messenger,
                "assigned_to": assignee(snapshot, person)}

    scored = [(-score_of(k, p.unit), p.name, k) for k, p in people.items() if k not in engaged]
    best = heapq.nsmallest(limit, scored) if limit is not None else sorted(scored)
    return {"people": [entry(k, -neg) for neg, _, k in best],
            "organic_leaders": leading}


def _names(snapshot: Snapshot, keys: list[str]) -> str:
    names = [person_name(snapshot, k) for k in keys]
    if len(names) <= 2:
        return " and ".join(names)
    return f"{names[0]}, {names[1]} and {len(names) - 2} more"
