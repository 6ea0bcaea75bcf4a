"""Shared readings of a snapshot: a person's current state, latest anger, trust ties, units.

Every function here is a linear pass over the snapshot, or a sort done in C (nothing quadratic
in people), so the question modules can call them freely at 1M people.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Container, Iterable
from dataclasses import dataclass
from itertools import chain, compress, islice, repeat
from operator import attrgetter, or_ as _either

from mapper.snapshot import Commitment, Conversation, Snapshot

__all__ = [
    "UNKNOWN_UNIT", "RESPONSES", "ASSESSMENT_LABELS", "iso", "anger_word", "pct",
    "person_name", "unit_of", "issue_name", "dm_label", "contacted_people",
    "conversations_by_person", "latest_conversation", "default_today",
    "latest_anger_pairs", "angry_issues", "issue_counts", "latest_named", "latest_responses",
    "committed_people", "organizing_people", "organizing_among", "organizer_as_person",
    "organizer_named",
    "PersonState", "latest_assessment_updates", "person_states",
    "trust_adjacency", "trusted_in",
    "TrustPaths", "trust_paths", "unit_members", "at_least",
]

UNKNOWN_UNIT = "(no unit)"
RESPONSES = ("yes", "maybe", "no")
ASSESSMENT_LABELS = {1: "leader", 2: "supporter", 3: "undecided", 4: "leaning against",
                     5: "opposed"}
_ANGER_WORDS = {5: "furious", 4: "very angry", 3: "angry", 2: "upset", 1: "bothered", 0: "calm"}
_MIN_DATE = dt.date.min
_A, _B = attrgetter("a"), attrgetter("b")
_PERSON, _ISSUE, _ANGER = attrgetter("person"), attrgetter("issue"), attrgetter("anger")
_DATE, _CONVERSATION = attrgetter("date"), attrgetter("conversation")


def iso(value: dt.date | None) -> str | None:
    """A date as ``YYYY-MM-DD`` (JSON has no date type)."""
    return value.isoformat() if value is not None else None


def anger_word(anger: int | None) -> str:
    """Plain words for an anger level: 5 is "furious"."""
    return _ANGER_WORDS.get(anger if anger is not None else 0, "angry")


def pct(part: int, whole: int) -> float | None:
    """``part / whole`` rounded to 3 places, or ``None`` when there is no whole."""
    return round(part / whole, 3) if whole else None


def at_least(share: float, whole: int) -> int:
    """The smallest count that reaches ``share`` of ``whole`` (float noise ignored)."""
    return math.ceil(round(share * whole, 9))


def person_name(snapshot: Snapshot, key: str) -> str:
    p = snapshot.people.get(key)
    return p.name if p is not None else key


def unit_of(snapshot: Snapshot, key: str) -> str:
    p = snapshot.people.get(key)
    return (p.unit if p is not None else None) or UNKNOWN_UNIT


def issue_name(snapshot: Snapshot, key: str) -> str:
    return snapshot.issues.get(key) or key


def dm_label(snapshot: Snapshot, key: str) -> str:
    """A decision maker as organizers say it: "Carl Reyes (Chief Nursing Officer)"."""
    dm = snapshot.decision_makers.get(key)
    if dm is None:
        return key
    return f"{dm.name} ({dm.title})" if dm.title else dm.name


def contacted_people(snapshot: Snapshot) -> set[str]:
    """People with at least one conversation."""
    out = {c.person for c in snapshot.conversations}
    out.update(k for k, p in snapshot.people.items() if p.contacted)
    return out


def _conv_order(c: Conversation) -> tuple:
    return (c.date or _MIN_DATE, c.id)


def conversations_by_person(snapshot: Snapshot) -> dict[str, list[Conversation]]:
    """Each person's conversations, oldest first (whatever order the snapshot holds them in)."""
    out: dict[str, list[Conversation]] = {}
    for c in snapshot.conversations:
        out.setdefault(c.person, []).append(c)
    for convs in out.values():
        if len(convs) > 1:
            convs.sort(key=_conv_order)
    return out


def latest_conversation(snapshot: Snapshot) -> dict[str, Conversation]:
    """Each person's latest conversation (by date, then id)."""
    out: dict[str, Conversation] = {}
    for c in snapshot.conversations:
        old = out.get(c.person)
        if old is None or _conv_order(c) > _conv_order(old):
            out[c.person] = c
    return out


def default_today(snapshot: Snapshot, today: dt.date | None) -> dt.date | None:
    """``today`` as given, else the date of the latest conversation or update: results depend
    on data only."""
    if today is not None:
        return today
    latest = max((c.date for c in snapshot.conversations if c.date), default=None)
    logged = max((u.date for u in snapshot.updates if u.date), default=None)
    return latest if logged is None or (latest is not None and latest >= logged) else logged


def latest_anger_pairs(snapshot: Snapshot) -> dict[tuple[str, str], int | None]:
    """``{(person, issue): anger}`` from each person's latest mention of each issue."""
    rows = snapshot.anger
    dates = list(map(_DATE, rows))
    if None in dates:
        dates = [d or _MIN_DATE for d in dates]
    angers = list(map(_ANGER, rows))
    # Anger last: even a malformed snapshot repeating a mention gives one answer.
    ranks = [-1 if a is None else a for a in angers] if None in angers else angers
    # Rows in order (a sort in C, near linear: snapshots hold them by date), the latest last.
    order = sorted(range(len(rows)), key=list(zip(dates, map(_CONVERSATION, rows), ranks)).__getitem__)
    keys = list(zip(map(_PERSON, rows), map(_ISSUE, rows)))
    return dict(zip(map(keys.__getitem__, order), map(angers.__getitem__, order)))


def angry_issues(snapshot: Snapshot, min_anger: int = 3, *,
                 pairs: dict[tuple[str, str], int | None] | None = None) -> dict[str, dict[str, int]]:
    """``{person: {issue: anger}}`` keeping only issues a person is angry about (>= min_anger).

    ``pairs``: the snapshot's :func:`latest_anger_pairs`, when the caller has them already.
    """
    out: defaultdict[str, dict[str, int]] = defaultdict(dict)
    for (person, issue), a in (pairs if pairs is not None else latest_anger_pairs(snapshot)).items():
        if a is not None and a >= min_anger:
            out[person][issue] = a
    return dict(out)


def issue_counts(angry: dict[str, dict[str, int]]) -> dict[str, int]:
    """How many people are angry about each issue."""
    out: dict[str, int] = {}
    for issues in angry.values():
        for i in issues:
            out[i] = out.get(i, 0) + 1
    return out


def latest_named(snapshot: Snapshot) -> dict[tuple[str, str], frozenset[str]]:
    """``{(person, issue): decision makers}`` from the latest conversation naming anyone for it."""
    order = {c.id: _conv_order(c) for c in snapshot.conversations}
    best: dict[tuple[str, str], tuple] = {}
    for n in snapshot.named:
        k = (n.person, n.issue)
        o = order.get(n.conversation, (_MIN_DATE, n.conversation))
        old = best.get(k)
        if old is None or o > old[0]:
            best[k] = (o, {n.decision_maker})
        elif o == old[0]:
            old[1].add(n.decision_maker)
    return {k: frozenset(v) for k, (_, v) in best.items()}


def _answered(c: Commitment | None) -> bool:
    return c is not None and c.response in RESPONSES


def latest_responses(snapshot: Snapshot) -> dict[str, Commitment]:
    """Each person's latest answered ask (response yes / maybe / no).

    An ask left unanswered or "not_asked" does not undo an earlier answer: someone who said yes
    stays committed through later check-ins that asked nothing new.
    """
    out: dict[str, tuple] = {}
    for c in snapshot.conversations:
        if _answered(c.commitment):
            old = out.get(c.person)
            if old is None or _conv_order(c) > old[0]:
                out[c.person] = (_conv_order(c), c.commitment)
    return {p: com for p, (_, com) in out.items()}


def committed_people(snapshot: Snapshot) -> set[str]:
    """People whose latest answered ask was "yes": the committed members."""
    return {p for p, c in latest_responses(snapshot).items() if c.response == "yes"}


def organizing_people(snapshot: Snapshot) -> set[str]:
    """People who are organizers of the campaign: a person whose key names the same
    normalized name as an organizer's (``person:c:maya ortiz``, ``organizer:c:maya ortiz``).

    Matched on the keys alone: a spelling an alias merges for only one of the two, or a person
    known by a custom id, is not matched.
    """
    return organizing_among(snapshot.organizers, snapshot.people)


def organizing_among(organizers: Iterable[str], people: Container[str]) -> set[str]:
    """Of ``people`` (person keys), those an organizer of ``organizers`` (organizer keys)
    names, as :func:`organizing_people` matches them: read over the organizers (a campaign
    has a few), not the people. What a read model is told of the people it reads.

    >>> sorted(organizing_among(["organizer:c:maya ortiz", "organizer:c:dev patel"],
    ...                         {"person:c:maya ortiz", "person:c:ana lopez"}))
    ['person:c:maya ortiz']
    """
    return {k for k in map(organizer_as_person, organizers) if k is not None and k in people}


def organizer_as_person(organizer: str) -> str | None:
    """The key a person of the same normalized name as an organizer has (whether or not the
    campaign lists one), or None for a key not an organizer's.

    >>> organizer_as_person("organizer:c:maya ortiz"), organizer_as_person("issue:c:pay")
    ('person:c:maya ortiz', None)
    """
    return "person:" + organizer[len("organizer:"):] if organizer.startswith("organizer:") else None


def organizer_named(snapshot: Snapshot, person: str) -> str | None:
    """The organizer's name when ``person`` is one (as :func:`organizing_people` matches), else
    None."""
    if not person.startswith("person:"):
        return None
    return snapshot.organizers.get("organizer:" + person[len("person:"):])


@dataclass(slots=True)
class PersonState:
    """Where a contact stands now.

    Each scalar is the latest *recorded* value (a check-in that leaves hope blank keeps the
    earlier hope); fears are those voiced in the latest conversation only (an empty list there
    means earlier fears were addressed).
    """

    latest: Conversation
    conversations: int = 0
    assessment: int | None = None
    hope: int | None = None
    wants_to_talk_again: bool | None = None
    will_attend_meeting: bool | None = None
    cares_about_problem: bool | None = None
    decision_maker_can_fix: bool | None = None
    wont_fix_without_pressure: bool | None = None
    last_ask: Commitment | None = None  # latest conversation with an ask, answered or not
    response: Commitment | None = None  # latest answered ask
    yes_count: int = 0
    first_yes: dt.date | None = None


_CARRIED = ("assessment", "hope", "wants_to_talk_again", "will_attend_meeting",
            "cares_about_problem", "decision_maker_can_fix", "wont_fix_without_pressure")


def latest_assessment_updates(snapshot: Snapshot) -> dict[str, tuple[dt.date, int]]:
    """``{person: (date, assessment)}`` from each person's latest assessment update."""
    best: dict[str, tuple] = {}
    for u in snapshot.updates:
        if u.update == "assessment" and u.assessment is not None:
            old = best.get(u.person)
            if old is None or (u.date, u.id) > old[0]:
                best[u.person] = ((u.date, u.id), u.assessment)
    return {p: (k[0], a) for p, (k, a) in best.items()}


def person_states(snapshot: Snapshot) -> dict[str, PersonState]:
    """:class:`PersonState` of every contacted person.

    The assessment is the newest of the 1-on-1s' assessments and the assessment updates (an
    update on the day of a 1-on-1 is newer: it is logged after the talk).
    """
    reassessed = latest_assessment_updates(snapshot) if snapshot.updates else {}
    out: dict[str, PersonState] = {}
    for person, convs in conversations_by_person(snapshot).items():
        c = convs[-1]
        st = PersonState(c, len(convs), c.assessment, c.hope, c.wants_to_talk_again,
                         c.will_attend_meeting, c.cares_about_problem, c.decision_maker_can_fix,
                         c.wont_fix_without_pressure)
        if len(convs) > 1:
            for f in _CARRIED:
                if getattr(st, f) is None:  # a blank at the latest keeps an earlier value
                    for c in reversed(convs):
                        v = getattr(c, f)
                        if v is not None:
                            setattr(st, f, v)
                            break
        if person in reassessed:
            day, value = reassessed[person]
            rated = next((c.date for c in reversed(convs) if c.assessment is not None), None)
            if rated is None or day >= rated:
                st.assessment = value
        for c in convs:
            com = c.commitment
            if com is None:
                continue
            answered = com.response in RESPONSES
            if com.asked or answered:
                st.last_ask = com
            if answered:
                st.response = com
                if com.response == "yes":
                    st.yes_count += 1
                    if st.first_yes is None:
                        st.first_yes = c.date
        out[person] = st
    return out


def trust_adjacency(snapshot: Snapshot) -> dict[str, set[str]]:
    """Undirected trust: ``{person: distinct neighbours}`` over ties and referrals.

    Sets, not sorted lists: every caller orders the few neighbours it shows by its own key.
    """
    sets: defaultdict[str, set[str]] = defaultdict(set)
    ties = snapshot.ties
    for a, b in zip(map(_A, ties), map(_B, ties)):
        if a != b:
            sets[a].add(b)
            sets[b].add(a)
    return dict(sets)


def trusted_in(snapshot: Snapshot, group: set[str]) -> dict[str, set[str]]:
    """``{person: their distinct neighbours in group}`` over ties and referrals.

    What :func:`trust_adjacency` filtered to ``group`` gives, without building every set.
    """
    out: defaultdict[str, set[str]] = defaultdict(set)
    ties = snapshot.ties
    ends_a = list(map(_A, ties))
    ends_b = list(map(_B, ties))
    # Only the ties touching the group reach Python code.
    for a, b in compress(zip(ends_a, ends_b), map(_either, map(group.__contains__, ends_a),
                                                   map(group.__contains__, ends_b))):
        if a != b:
            if b in group:
                out[a].add(b)
            if a in group:
                out[b].add(a)
    return dict(out)


@dataclass(slots=True)
class TrustPaths:
    """A breadth-first search over trust, kept by vertex number (see :func:`trust_paths`)."""

    keys: list[str]
    index: dict[str, int]
    hops: list[int | None]  # by vertex: hops from the nearest source, None when not reached
    parents: list[int]  # by vertex: the vertex it was reached from (the root for a source)

    def dist(self, key: str) -> int | None:
        v = self.index.get(key)
        return None if v is None else self.hops[v]

    def path(self, key: str) -> list[str]:
        """The path from a source to ``key`` (source first); empty when not reached."""
        v = self.index.get(key)
        if v is None or self.hops[v] is None:
            return []
        root, keys, parents = len(self.keys), self.keys, self.parents
        path = []
        while v != root:
            path.append(keys[v])
            v = parents[v]
        path.reverse()
        return path


def trust_paths(snapshot: Snapshot, sources: Iterable[str]) -> TrustPaths:
    """One breadth-first search over trust from all ``sources`` at once.

    Sources are visited in sorted order and neighbours in sorted order, so each reached person
    gets the same parent (the nearest source, ties broken by key) on every run. igraph runs the
    search: vertices are numbered in key order, and a virtual root linked to every source makes
    it one search whose neighbours come in number order. The answer stays by vertex number:
    dicts over every person reached would cost more than the search.
    """
    # Imported here: the read model's pages use this module but never search (0.1 s a start).
    import igraph as ig

    sources = set(sources)
    ties = snapshot.ties
    keys, index = _people_numbered(snapshot)
    known = index.__contains__
    if not (all(map(known, map(_A, ties))) and all(map(known, map(_B, ties)))
            and all(map(known, sources))):
        # Someone outside the people list: number everyone met, in key order.
        keys = sorted(set(map(_A, ties)).union(map(_B, ties), sources))
        index = dict(zip(keys, range(len(keys))))
    seeds = sorted(map(index.__getitem__, sources))
    root = len(keys)
    # igraph reads the edges as they come: a list of them was 64 bytes a tie more at the peak.
    g = ig.Graph(n=root + 1, edges=chain(
        zip(map(index.__getitem__, map(_A, ties)), map(index.__getitem__, map(_B, ties))),
        zip(repeat(root), seeds)))
    order, layers, parents = g.bfs(root)
    hops: list[int | None] = [None] * (root + 1)
    for d in range(1, len(layers) - 1):
        hops[layers[d]:layers[d + 1]] = repeat(d - 1, layers[d + 1] - layers[d])
    by_vertex: list[int | None] = [None] * (root + 1)
    for v, h in zip(order, hops):
        by_vertex[v] = h
    return TrustPaths(keys, index, by_vertex, parents)


def _people_numbered(snapshot: Snapshot) -> tuple[list[str], dict[str, int]]:
    """The people's keys in key order and ``{key: number}``; a built snapshot holds them sorted."""
    keys = list(snapshot.people)
    if not all(map(str.__lt__, keys, islice(keys, 1, None))):
        keys.sort()
    return keys, dict(zip(keys, range(len(keys))))


def unit_members(snapshot: Snapshot) -> dict[str, tuple[int, list[str]]]:
    """``{unit: (headcount, people)}``.

    ``people`` are everyone known in the unit. The headcount is the number of roster people in
    the unit; a unit without any roster row counts everyone known in it instead.
    """
    people: dict[str, list[str]] = {}
    roster: dict[str, int] = {}
    for key, p in snapshot.people.items():
        u = p.unit or UNKNOWN_UNIT
        people.setdefault(u, []).append(key)
        if p.in_roster:
            roster[u] = roster.get(u, 0) + 1
    return {u: (roster.get(u) or len(ps), ps) for u, ps in people.items()}
