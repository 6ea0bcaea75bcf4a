"""The read model analytics work on: one campaign's graph, without contact details or stories.

The graph holds no one's words (:data:`mapper.privacy.PERSONAL_FIELDS`): a conversation says
how many fears were voiced and whether an assignment or an action was agreed, not what. The
words are read from the stored records, by a separate step, into :attr:`Snapshot.texts` for a
reader allowed to see them (:func:`with_texts`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import sys
from collections.abc import Iterable
from itertools import groupby
from operator import attrgetter, itemgetter
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

__all__ = ["gc_paused", "Person", "Conversation", "Commitment", "Anger", "Named", "DecisionMaker", "Tie",
           "Update", "Assigned", "Snapshot", "SnapshotRows", "ConversationText", "build_snapshot",
           "with_texts", "latest_assignments", "PERSON_FACTS"]

#: A person's facts that several sources may state; the newest statement wins (see build_snapshot).
PERSON_FACTS = ("unit", "shift", "role")


@dataclass(slots=True)
class Person:
    key: str
    name: str
    unit: str | None = None
    shift: str | None = None
    role: str | None = None
    in_roster: bool = False
    contacted: bool = False
    # Where each fact came from: (fact, "roster" | "conversation" | "referral", date or None).
    sources: tuple[tuple[str, str, str | None], ...] = ()
    # Facts on which the newest roster row and the newest 1-on-1 disagree.
    conflicts: tuple[str, ...] = ()


@dataclass(slots=True)
class Commitment:
    conversation: str
    person: str
    has_action: bool  # the words of the action are in the record, not here
    asked: bool
    response: str | None
    due: dt.date | None
    date: dt.date


@dataclass(slots=True)
class Conversation:
    id: str
    person: str
    organizer: str
    date: dt.date
    assessment: int | None = None
    hope: int | None = None
    wants_to_talk_again: bool | None = None
    will_attend_meeting: bool | None = None
    cares_about_problem: bool | None = None
    decision_maker_can_fix: bool | None = None
    wont_fix_without_pressure: bool | None = None
    listening_share: float | None = None
    fears_count: int = 0  # how many fears were voiced; which ones is in the record only
    has_assignment: bool = False
    follow_up_due: dt.date | None = None
    thank_you_sent: bool | None = None
    commitment: Commitment | None = None
    next_talk: dt.date | None = None  # the date set for the next conversation (plan.next_talk)


@dataclass(slots=True)
class Anger:
    person: str
    issue: str
    anger: int | None
    witnessed_harm: bool | None
    conversation: str
    date: dt.date


@dataclass(slots=True)
class Named:
    person: str
    issue: str
    decision_maker: str
    conversation: str


@dataclass(slots=True)
class DecisionMaker:
    key: str
    name: str
    title: str | None = None
    organization: str | None = None
    reports_to: str | None = None


@dataclass(slots=True)
class Tie:
    a: str
    b: str
    relationship: str | None
    kind: str  # "tie" (from the ties list) or "referral" (named in a conversation)


@dataclass(slots=True)
class Update:
    """What happened after a 1-on-1 (``mapper.models.Update``), without its words."""

    id: str
    person: str
    update: str
    date: dt.date
    organizer: str | None = None
    outcome: str | None = None
    asked: bool | None = None
    assessment: int | None = None
    conversation: str | None = None


@dataclass(slots=True)
class Assigned:
    """A contact given to an organizer (a contact assignment)."""

    person: str
    organizer: str  # the organizer's key
    date: dt.date | None = None


class ConversationText(NamedTuple):
    """The words of one conversation that views name: personal (the record's ``ask.action``
    and ``follow_up.assignment``), so never in the graph."""

    action: str | None = None
    assignment: str | None = None


def with_texts(snapshot: Snapshot, texts: dict[str, ConversationText]) -> Snapshot:
    """The same snapshot (rows shared, not copied) with the words of its conversations beside it.

    >>> s = with_texts(Snapshot("c"), {"c1": ConversationText(action="sign the petition")})
    >>> s.texts["c1"].action, Snapshot("c").texts
    ('sign the petition', {})
    """
    return replace(snapshot, texts=texts)


@dataclass(slots=True)
class Snapshot:
    """One campaign's graph as plain rows. Built by :func:`build_snapshot` from a store's rows.

    ``texts`` is the personal part beside the graph, by conversation id: empty in a snapshot
    built from the graph, filled by :func:`with_texts` from the stored records.
    """

    campaign: str
    people: dict[str, Person] = field(default_factory=dict)
    conversations: list[Conversation] = field(default_factory=list)
    anger: list[Anger] = field(default_factory=list)
    named: list[Named] = field(default_factory=list)
    issues: dict[str, str] = field(default_factory=dict)
    decision_makers: dict[str, DecisionMaker] = field(default_factory=dict)
    ties: list[Tie] = field(default_factory=list)
    skills: dict[str, list[str]] = field(default_factory=dict)
    texts: dict[str, ConversationText] = field(default_factory=dict)
    organizers: dict[str, str] = field(default_factory=dict)
    # Updates by date, then id; the current contact assignment of each person who has one.
    updates: list[Update] = field(default_factory=list)
    assignments: dict[str, Assigned] = field(default_factory=dict)
    # The store version the rows were read at (in the same transaction), when the store says;
    # not part of what the snapshot says, so two stores with the same graph compare equal.
    version: int | None = field(default=None, compare=False)


@dataclass(slots=True)
class SnapshotRows:
    """What a store returns for a snapshot, as plain tuples; both stores fill the same shape.

    people: (key, name); person_units: (person, unit, shift, role, roster, referral, date),
    where a roster row without a unit comes with unit None;
    conversations: (props, person, organizer_key); commitments: (conversation_id, props);
    anger: (person, issue, anger, witnessed_harm, conversation, date);
    named: (person, dm, issue, conversation); issues: (key, name);
    decision_makers: (key, name, title, organization); reports_to: (dm, boss);
    ties: (a, b, relationship, kind); skills: (person, skill name); organizers: (key, name);
    updates: (props, person); assignments: (organizer, person, date).
    """

    campaign: str
    people: Iterable[tuple] = ()
    person_units: Iterable[tuple] = ()
    conversations: Iterable[tuple] = ()
    commitments: Iterable[tuple] = ()
    anger: Iterable[tuple] = ()
    named: Iterable[tuple] = ()
    issues: Iterable[tuple] = ()
    decision_makers: Iterable[tuple] = ()
    reports_to: Iterable[tuple] = ()
    ties: Iterable[tuple] = ()
    skills: Iterable[tuple] = ()
    organizers: Iterable[tuple] = ()
    updates: Iterable[tuple] = ()
    assignments: Iterable[tuple] = ()
    version: int | None = None


@contextlib.contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while building many long-lived objects.

    A snapshot allocates hundreds of thousands of rows and frees none of them: each automatic
    collection would rescan them all, which took two thirds of the build time at 100k people.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@functools.lru_cache(maxsize=8192)
def _parse_date(text: str) -> dt.date:
    # A campaign has a few hundred distinct dates and hundreds of thousands of rows.
    return dt.date.fromisoformat(text[:10])


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return _parse_date(str(value))


def latest_assignments(rows: Iterable[tuple[str, str, Any]]) -> dict[str, tuple[str, str, Any]]:
    """Each person's contact assignment among ``(organizer, person, date)`` rows: the latest
    by its date (an undated one before any dated), then by the organizer's key. A new
    assignment reassigns (one record per person), but once an alias joins two spellings each
    assigned, two name one person: every reader of them (the snapshot, a store's list of
    assignees, My list from the read model) takes the same one by this. By person, in no
    order.

    >>> sorted(latest_assignments([("o:sam", "p:ana", "2026-10-02"), ("o:maya", "p:ana",
    ...                            "2026-10-05"), ("o:sam", "p:ben", None)]).values())
    [('o:maya', 'p:ana', '2026-10-05'), ('o:sam', 'p:ben', None)]
    """
    out: dict[str, tuple[str, str, Any]] = {}
    # (One pass, not a sort: at a million people with 300,000 contacts assigned, sorting
    # every row took 0.6-1.0 s of the Ready list's rows after each write.)
    for row in rows:
        held = out.get(row[1])
        if held is None or (row[2] is not None, str(row[2] or ""), row[0]) >= (
                held[2] is not None, str(held[2] or ""), held[0]):
            out[row[1]] = row
    return out


def build_snapshot(rows: SnapshotRows) -> Snapshot:
    """Assemble a :class:`Snapshot` from a store's rows; order of rows does not matter.

    Each row collection is read once, so a store may hand over lazy cursors. Keys are interned:
    the same person or issue key arrives once per row, and a large campaign holds millions.

    A person's unit, shift and role each come from the newest source that states them: a
    roster row (dated by its ``as_of``; an undated one is older than any dated source) or a
    1-on-1; what a referrer said counts only when nothing else says. Where the newest roster
    row and the newest 1-on-1 disagree, the fact is listed in ``conflicts``.

    >>> s = build_snapshot(SnapshotRows("c", people=[("person:c:ana", "Ana")],
    ...     person_units=[("person:c:ana", "ICU", "nights", "RN", False, False, "2026-11-01"),
    ...                   ("person:c:ana", "ER", None, "CNA", True, False, "2026-10-01")]))
    >>> ana = s.people["person:c:ana"]
    >>> ana.unit, ana.role, ana.conflicts
    ('ICU', 'RN', ('unit', 'role'))
    >>> ana.sources
    (('unit', 'conversation', '2026-11-01'), ('shift', 'conversation', '2026-11-01'), ('role', 'conversation', '2026-11-01'))
    """
    key = sys.intern
    # Words that recur in many rows (relationships, outcomes, answers): one object each. The
    # rows may be read as the snapshot consumes them, so a kept value is never theirs alone.
    share = {}.setdefault
    snap = Snapshot(rows.campaign, version=rows.version)
    snap.organizers = {key(k): name for k, name in rows.organizers}
    people = {key(k): Person(k, name) for k, name in rows.people}
    for k, p in people.items():
        p.key = k
    _settle_facts(people, rows.person_units)
    # Only what a Commitment keeps, not each one's whole props, until its conversation comes.
    commitments = {cid: (bool(c.get("has_action")), bool(c.get("asked")),
                         share(c.get("response"), c.get("response")), _date(c.get("due")))
                   for cid, c in rows.commitments}
    conversations, organizers = snap.conversations, snap.organizers
    for props, person, organizer_key in rows.conversations:
        cid = key(props["id"])
        person = key(person)
        date = _date(props["date"])
        get = props.get
        organizer = organizers.get(organizer_key, organizers)
        if organizer is organizers:  # an organizer without a node: as the 1-on-1 names them
            organizer = get("organizer", "")
            organizer = share(organizer, organizer)
        conv = Conversation(
            id=cid, person=person, organizer=organizer,
            date=date, assessment=get("assessment"), hope=get("hope"),
            wants_to_talk_again=get("wants_to_talk_again"),
            will_attend_meeting=get("will_attend_meeting"),
            cares_about_problem=get("cares_about_problem"),
            decision_maker_can_fix=get("decision_maker_can_fix"),
            wont_fix_without_pressure=get("wont_fix_without_pressure"),
            listening_share=get("listening_share"),
            fears_count=get("fears_count") or 0,
            has_assignment=bool(get("has_assignment")),
            follow_up_due=_date(get("follow_up_due")),
            thank_you_sent=get("thank_you_sent"),
            next_talk=_date(get("next_talk")),
        )
        c = commitments.get(cid)
        if c is not None:
            conv.commitment = Commitment(cid, person, *c, date)
        conversations.append(conv)
        if person in people:
            people[person].contacted = True
    del commitments
    conversations.sort(key=attrgetter("id"))
    conversations.sort(key=attrgetter("date"))
    # A store may return rows in any order, the snapshot may not. Sorting by one joined string
    # (NUL between fields, so "a" < "ab" holds as in a tuple) is 2-3x faster than by tuples.
    snap.anger = [Anger(key(p), key(i), a, h, key(c), _date(d)) for p, i, a, h, c, d in rows.anger]
    snap.anger.sort(key=_conversation_issue)
    snap.anger.sort(key=attrgetter("date"))
    snap.named = [Named(key(p), key(i), key(d), key(c)) for p, d, i, c in rows.named]
    snap.named.sort(key=_named_order)
    snap.issues = dict(sorted((key(k), name) for k, name in rows.issues))
    dms = snap.decision_makers
    for k, name, title, org in rows.decision_makers:
        dms[key(k)] = DecisionMaker(key(k), name, title, org)
    for dm, boss in rows.reports_to:
        if dm in dms:
            dms[dm].reports_to = key(boss)
    snap.decision_makers = dict(sorted(dms.items()))
    # By people and kind, then relationship (a missing one first).
    snap.ties = [Tie(key(a), key(b), share(r, r), share(k, k)) for a, b, r, k in rows.ties]
    snap.ties.sort(key=_tie_order)
    skills = snap.skills
    for person, skill in rows.skills:
        skills.setdefault(key(person), []).append(skill)
    for names in skills.values():
        names.sort()
    snap.updates = [Update(key(props["id"]), key(person), share(props["update"], props["update"]),
                           _date(props["date"]), share(props.get("organizer"), props.get("organizer")),
                           share(props.get("outcome"), props.get("outcome")), props.get("asked"),
                           props.get("assessment"), props.get("conversation"))
                    for props, person in rows.updates]
    snap.updates.sort(key=attrgetter("id"))
    snap.updates.sort(key=attrgetter("date"))
    snap.assignments = {key(person): Assigned(key(person), key(organizer), _date(date))
                        for organizer, person, date in sorted(
                            latest_assignments(rows.assignments).values(), key=itemgetter(0, 1))}
    snap.people = dict(sorted(people.items()))
    return snap


_SOURCE_CACHE: dict[tuple, tuple] = {}
_FIRST = itemgetter(0)


def _settle_facts(people: dict[str, Person], rows: Iterable[tuple]) -> None:
    """Each person's unit, shift and role from the newest source stating them (see build_snapshot)."""
    # Person by person (rows grouped by a stable sort, so equal rows keep their order): the
    # rankings of one person at a time, where a dict over every (person, fact) held 1.6 GiB
    # at 1M people. Values repeat for thousands of people (shifts, roles, dates): share them.
    cache = _SOURCE_CACHE
    shared: dict = {}
    for person, mine in groupby(sorted(rows, key=_FIRST), _FIRST):
        p = people.get(person)
        if p is not None:
            _settle_person(p, mine, cache, shared)


def _settle_person(p: Person, rows: Iterable[tuple], cache: dict[tuple, tuple],
                   shared: dict) -> None:
    best: list[tuple | None] = [None, None, None]  # by fact: ((rank, value), value, kind, date)
    newest: dict[tuple[int, bool], tuple] = {}  # (fact, roster) -> (date, value)
    for _, unit, shift, role, roster, referral, date in rows:
        if roster:
            p.in_roster = True
        day = str(date or "")
        rank = (not referral, day, bool(roster))
        for i, value in enumerate((unit, shift, role)):
            if value is None:
                continue
            old = best[i]
            if old is None or (rank, value) > old[0]:
                best[i] = ((rank, value), value, "roster" if roster else
                           "referral" if referral else "conversation", date)
            if not referral:
                n = (i, bool(roster))
                seen = newest.get(n)
                if seen is None or (day, value) > seen:
                    newest[n] = (day, value)
    sources = []
    for i, fact in enumerate(best):
        if fact is None:
            continue
        _, value, kind, date = fact
        setattr(p, PERSON_FACTS[i], shared.setdefault(value, value))
        # The same (fact, kind, date) triples recur for thousands of people: share them.
        triple = (PERSON_FACTS[i], kind, None if date is None else str(date)[:10])
        sources.append(cache.setdefault(triple, triple))
    if sources:
        sources = tuple(sources)
        p.sources = shared.setdefault(sources, sources)
    conflicts = tuple(PERSON_FACTS[i] for i in range(3)
                      if (i, True) in newest and (i, False) in newest
                      and newest[i, True][1] != newest[i, False][1])
    if conflicts:
        p.conflicts = conflicts


def _conversation_issue(a: Anger) -> str:
    return f"{a.conversation}\0{a.issue}"


def _named_order(n: Named) -> str:
    return f"{n.conversation}\0{n.issue}\0{n.decision_maker}"


def _tie_order(t: Tie) -> str:
    return f"{t.a}\0{t.b}\0{t.kind}\0{t.relationship or ''}"
