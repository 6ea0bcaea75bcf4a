"""Small hand-made campaigns for doctests, tests and demos: snapshots built in a few lines."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from typing import Any

from mapper import models
from mapper.keys import node_key
from mapper.snapshot import (Anger, Assigned, Commitment, Conversation, ConversationText,
                             DecisionMaker, Named, Person, Snapshot, Tie, Update)

__all__ = ["CampaignBuilder", "example_snapshot", "random_snapshot", "shuffled"]


def _day(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


class CampaignBuilder:
    """Build a :class:`~mapper.snapshot.Snapshot` by naming people and conversations.

    Keys follow the store's scheme (``person:<campaign>:<normalized name>``).

    Examples
    --------
    >>> b = CampaignBuilder("c")
    >>> b.talk("Ana", "2026-11-20", unit="ICU", issues={"Pay": 4}, response="yes")
    '2026-11-20-ana'
    >>> s = b.snapshot()
    >>> s.people["person:c:ana"].contacted, s.conversations[0].commitment.response
    (True, 'yes')
    """

    def __init__(self, campaign: str = "demo") -> None:
        self.campaign = campaign
        self._people: dict[str, Person] = {}
        self._convs: list[Conversation] = []
        self._anger: list[Anger] = []
        self._named: list[Named] = []
        self._issues: dict[str, str] = {}
        self._dms: dict[str, DecisionMaker] = {}
        self._ties: list[Tie] = []
        self._skills: dict[str, list[str]] = {}
        self._organizers: dict[str, str] = {}
        self._ids: set[str] = set()
        self._texts: dict[str, ConversationText] = {}
        self._updates: list[Update] = []
        self._assignments: dict[str, Assigned] = {}

    def key(self, name: str) -> str:
        """The key of the person called ``name``."""
        return node_key("person", self.campaign, name)

    def person(self, name: str, unit: str | None = None, *, roster: bool = True,
               shift: str | None = None, role: str | None = None) -> str:
        """Add (or update) a person; ``roster=True`` means they are on the workplace roster."""
        key = self.key(name)
        p = self._people.get(key)
        if p is None:
            p = self._people[key] = Person(key, name)
        p.unit = unit or p.unit
        p.shift = shift or p.shift
        p.role = role or p.role
        p.in_roster = p.in_roster or roster
        return key

    def issue(self, name: str) -> str:
        key = node_key("issue", self.campaign, name)
        self._issues.setdefault(key, name)
        return key

    def boss(self, name: str, *, title: str | None = None, reports_to: str | None = None) -> str:
        """Add a decision maker, optionally with whom they answer to."""
        key = node_key("dm", self.campaign, name)
        dm = self._dms.get(key) or DecisionMaker(key, name)
        dm.title = title or dm.title
        if reports_to:
            dm.reports_to = self.boss(reports_to)
        self._dms[key] = dm
        return key

    def tie(self, a: str, b: str, relationship: str | None = None, *, kind: str = "tie") -> None:
        """A trust tie between two people (added to the people if new, off the roster)."""
        self._ties.append(Tie(self._known(a), self._known(b), relationship, kind))

    def _known(self, name: str, unit: str | None = None) -> str:
        # Someone mentioned but not on the roster is still a person the campaign knows.
        key = self.key(name)
        return key if key in self._people else self.person(name, unit, roster=False)

    def talk(self, name: str, on: dt.date | str, *, organizer: str = "Maya Ortiz",
             unit: str | None = None, issues: dict[str, int] | None = None,
             harm: set[str] | frozenset[str] = frozenset(), named: dict[str, str] | None = None,
             response: str | None = None, action: str | None = None,
             due: dt.date | str | None = None, asked: bool | None = None,
             fears: tuple[str, ...] = (), refers: dict[str, str | None] | None = None,
             skills: tuple[str, ...] = (), follow_up_due: dt.date | str | None = None,
             follow_up_assignment: str | None = None, **fields: Any) -> str:
        """Record one 1-on-1 with ``name`` on date ``on``; returns the conversation id.

        ``issues`` maps issue name to anger, ``named`` issue name to decision-maker name,
        ``refers`` referred person to relationship; other keywords are
        :class:`~mapper.snapshot.Conversation` fields (hope, assessment, ...).
        """
        day = _day(on)
        key = self._known(name, unit)
        p = self._people[key]
        if unit and not (p.in_roster and p.unit):  # the roster's unit wins, as in the store
            p.unit = unit
        p.contacted = True
        cid = base = f"{day.isoformat()}-{'-'.join(self.key(name).split(':')[-1].split())}"
        n = 1
        while cid in self._ids:  # a second talk the same day gets its own id
            n += 1
            cid = f"{base}-{n}"
        self._ids.add(cid)
        self._organizers[node_key("organizer", self.campaign, organizer)] = organizer
        conv = Conversation(id=cid, person=key, organizer=organizer, date=day,
                            fears_count=len(fears), has_assignment=bool(follow_up_assignment),
                            follow_up_due=_day(follow_up_due) if follow_up_due else None,
                            **fields)
        if response is not None or action is not None or asked:
            conv.commitment = Commitment(
                cid, key, bool(action),
                asked if asked is not None else response not in (None, "not_asked"),
                response, _day(due) if due else None, day)
        if action or follow_up_assignment:
            self._texts[cid] = ConversationText(action or None, follow_up_assignment or None)
        self._convs.append(conv)
        for issue, anger in (issues or {}).items():
            self._anger.append(Anger(key, self.issue(issue), anger, issue in harm, cid, day))
        for issue, dm in (named or {}).items():
            self._named.append(Named(key, self.issue(issue), self.boss(dm), cid))
        for other, rel in (refers or {}).items():
            self._ties.append(Tie(key, self._known(other), rel, "referral"))
        if skills:
            self._skills[key] = sorted(set(self._skills.get(key, [])) | set(skills))
        return cid

    def log(self, name: str, on: dt.date | str, update: str, **fields: Any) -> str:
        """Log an update about ``name`` (a :class:`mapper.models.Update`: ``outcome``,
        ``asked``, ``assessment``, ``conversation``, ``organizer``, ...); returns its id.

        >>> b = CampaignBuilder("c")
        >>> b.log("Ana", "2026-11-21", "attempt", outcome="no-answer")
        '2026-11-21-ana-attempt-no_answer'
        """
        record = models.Update.model_validate({"date": _day(on), "person": name,
                                               "update": update, **fields})
        if record.organizer:
            self._organizers[node_key("organizer", self.campaign, record.organizer)] = record.organizer
        self._updates.append(Update(record.id, self._known(name), record.update, record.date,
                                    record.organizer, record.outcome, record.asked,
                                    record.assessment, record.conversation))
        return record.id

    def assign(self, name: str, organizer: str | None, on: dt.date | str | None = None) -> None:
        """Give the contact ``name`` to ``organizer`` (a contact assignment); None unassigns."""
        key = self._known(name)
        if organizer is None:
            self._assignments.pop(key, None)
            return
        org = node_key("organizer", self.campaign, organizer)
        self._organizers.setdefault(org, organizer)
        self._assignments[key] = Assigned(key, org, _day(on) if on else None)

    def snapshot(self, *, texts: bool = True) -> Snapshot:
        """The campaign so far, as a store would return it; with the words of actions and
        assignments beside it (:attr:`~mapper.snapshot.Snapshot.texts`) unless ``texts`` is False."""
        return Snapshot(
            campaign=self.campaign,
            people={k: replace(p) for k, p in sorted(self._people.items())},
            conversations=sorted(self._convs, key=lambda c: (c.date, c.id)),
            anger=sorted(self._anger, key=lambda a: (a.date, a.conversation, a.issue)),
            named=sorted(self._named, key=lambda n: (n.conversation, n.issue, n.decision_maker)),
            issues=dict(sorted(self._issues.items())),
            decision_makers={k: replace(d) for k, d in sorted(self._dms.items())},
            ties=list(self._ties),
            skills={k: list(v) for k, v in sorted(self._skills.items())},
            organizers=dict(sorted(self._organizers.items())),
            texts=dict(sorted(self._texts.items())) if texts else {},
            updates=sorted((replace(u) for u in self._updates), key=lambda u: (u.date, u.id)),
            assignments={k: replace(a) for k, a in sorted(self._assignments.items())},
        )


def shuffled(snapshot: Snapshot, seed: int = 0) -> Snapshot:
    """The same snapshot with every list and mapping in another order (determinism tests).

    >>> s = example_snapshot()
    >>> sorted(shuffled(s, 1).people) == sorted(s.people)
    True
    """
    rng = random.Random(seed)

    def mix(items: list) -> list:
        items = list(items)
        rng.shuffle(items)
        return items

    return Snapshot(
        campaign=snapshot.campaign,
        people=dict(mix(snapshot.people.items())),
        conversations=mix(snapshot.conversations),
        anger=mix(snapshot.anger),
        named=mix(snapshot.named),
        issues=dict(mix(snapshot.issues.items())),
        decision_makers=dict(mix(snapshot.decision_makers.items())),
        # An undirected tie may be stored either way round; a referral has a direction.
        ties=[Tie(t.b, t.a, t.relationship, t.kind) if t.kind == "tie" and rng.random() < 0.5
              else t for t in mix(snapshot.ties)],
        skills=dict(mix(snapshot.skills.items())),
        organizers=dict(mix(snapshot.organizers.items())),
        texts=dict(mix(snapshot.texts.items())),
        updates=mix(snapshot.updates),
        assignments=dict(mix(snapshot.assignments.items())),
    )


def example_snapshot() -> Snapshot:
    """A small hospital campaign: three units, four issues, a chain of bosses.

    Ana (ICU) and Ben (ER) are furious about short staffing and have said yes; Cruz and Dee are
    contacts not yet committed; Eli and Fay are on the roster but never spoken with. Cruz and
    Eli are given to Maya Ortiz to reach, Dee to Sam Lee.

    >>> s = example_snapshot()
    >>> len(s.people), len(s.conversations), sorted(set(s.issues.values()))[:2]
    (8, 6, ['mandatory overtime', 'parking'])
    """
    b = CampaignBuilder("st-lukes")
    b.boss("Dana Park", title="CEO")
    b.boss("Carl Reyes", title="Chief Nursing Officer", reports_to="Dana Park")
    b.boss("Lee Chu", title="Facilities Director", reports_to="Dana Park")
    for name, unit in [("Ana Lopez", "ICU"), ("Ben Ortiz", "ER"), ("Cruz Diaz", "ICU"),
                       ("Dee Wong", "ER"), ("Eli Fox", "ICU"), ("Fay Gold", "Med-Surg"),
                       ("Gus Hale", "Med-Surg")]:
        b.person(name, unit)
    b.talk("Ana Lopez", "2026-11-02", issues={"short staffing": 5, "mandatory overtime": 4},
           named={"short staffing": "Carl Reyes"}, response="yes",
           action="come to the Dec 3 meeting", due="2026-12-03", assessment=1, hope=4,
           thank_you_sent=True, refers={"Eli Fox": "coworker"})
    b.talk("Ben Ortiz", "2026-11-05", organizer="Sam Lee",
           issues={"short staffing": 4, "mandatory overtime": 3},
           named={"short staffing": "Carl Reyes"}, response="yes",
           action="come to the Dec 3 meeting", due="2026-12-03", assessment=2, hope=3,
           thank_you_sent=False)
    b.talk("Cruz Diaz", "2026-11-10", issues={"short staffing": 4, "parking": 3},
           named={"parking": "Lee Chu"}, assessment=2, hope=4, cares_about_problem=True,
           decision_maker_can_fix=True, wont_fix_without_pressure=True,
           wants_to_talk_again=True, will_attend_meeting=True,
           follow_up_assignment="record a moment of short staffing", follow_up_due="2026-11-17",
           thank_you_sent=False)
    b.talk("Dee Wong", "2026-11-12", organizer="Sam Lee", issues={"parking": 4, "pay": 2},
           named={"parking": "Lee Chu"}, assessment=3, hope=2, response="maybe",
           action="come to the Dec 3 meeting", fears=("retaliation",))
    b.talk("Dee Wong", "2026-11-19", organizer="Sam Lee", issues={"parking": 5, "pay": 4},
           fears=("retaliation",))
    b.talk("Hal Moss", "2026-11-20", unit="Med-Surg", issues={"parking": 4, "pay": 3},
           assessment=5)
    b.tie("Ana Lopez", "Cruz Diaz", "coworker")
    b.tie("Ben Ortiz", "Dee Wong", "carpool")
    b.tie("Dee Wong", "Fay Gold", "friend")
    b.tie("Fay Gold", "Gus Hale", "coworker")
    b.tie("Eli Fox", "Fay Gold", "friend")
    b.assign("Cruz Diaz", "Maya Ortiz", "2026-11-20")
    b.assign("Eli Fox", "Maya Ortiz", "2026-11-20")
    b.assign("Dee Wong", "Sam Lee", "2026-11-20")
    return b.snapshot()


def random_snapshot(people: int = 200, *, seed: int = 0, units: int = 6, issues: int = 8,
                    contacted: float = 0.5, ties_per_person: float = 2.0) -> Snapshot:
    """A random but reproducible campaign (determinism tests, benchmarks at any size).

    Each unit leans towards a couple of issues, so anger clusters exist; about ``contacted``
    of the people have one or two conversations; ties are mostly within a unit.

    >>> s = random_snapshot(50, seed=1)
    >>> len(s.people) >= 50, s == random_snapshot(50, seed=1)
    (True, True)
    """
    rng = random.Random(seed)
    b = CampaignBuilder("random")
    unit_names = [f"Unit {chr(65 + i % 26)}{i // 26 or ''}" for i in range(units)]
    issue_names = [f"issue {i}" for i in range(issues)]
    bosses = [f"Boss {i}" for i in range(max(2, issues // 2))]
    b.boss("Top Boss", title="CEO")
    for i, name in enumerate(bosses):
        b.boss(name, title=f"Director {i}", reports_to="Top Boss" if i < 2 else bosses[i % 2])
    organizers = ["Maya Ortiz", "Sam Lee", "Jo Park"]
    names = [f"Worker {i:06d}" for i in range(people)]
    unit_of = {n: unit_names[rng.randrange(units)] for n in names}
    for n in names:
        b.person(n, unit_of[n], roster=rng.random() < 0.95)
    start = dt.date(2026, 9, 1)
    for n in names:
        if rng.random() >= contacted:
            continue
        home = unit_names.index(unit_of[n])
        favourite = [issue_names[home % issues], issue_names[(home + 1) % issues]]
        for visit in range(1 + (rng.random() < 0.3)):
            day = start + dt.timedelta(days=rng.randrange(90) + 30 * visit)
            mine = {i: rng.randint(2, 5) for i in favourite if rng.random() < 0.7}
            if rng.random() < 0.3:
                mine[rng.choice(issue_names)] = rng.randint(0, 5)
            named = {i: bosses[issue_names.index(i) % len(bosses)] for i in mine
                     if rng.random() < 0.4}
            response = rng.choice([None, None, "yes", "maybe", "no"])
            b.talk(n, day, organizer=rng.choice(organizers), issues=mine, named=named,
                   response=response,
                   action="come to the next meeting" if response else None,
                   due=day + dt.timedelta(days=14) if response == "yes" else None,
                   assessment=rng.randint(1, 5), hope=rng.randint(0, 5),
                   cares_about_problem=rng.random() < 0.6,
                   decision_maker_can_fix=rng.random() < 0.5,
                   wont_fix_without_pressure=rng.random() < 0.4,
                   wants_to_talk_again=rng.random() < 0.6,
                   will_attend_meeting=rng.random() < 0.4,
                   fears=("retaliation",) if rng.random() < 0.2 else (),
                   follow_up_assignment="record a moment" if rng.random() < 0.3 else None,
                   follow_up_due=day + dt.timedelta(days=7),
                   thank_you_sent=rng.random() < 0.6,
                   refers={rng.choice(names): "coworker"} if rng.random() < 0.2 else None)
    for _ in range(int(people * ties_per_person / 2)):
        a = rng.choice(names)
        same = rng.random() < 0.8
        other = rng.choice(names)
        if same:
            for _try in range(5):
                if unit_of[other] == unit_of[a]:
                    break
                other = rng.choice(names)
        if other != a:
            b.tie(a, other, "coworker")
    return b.snapshot()
