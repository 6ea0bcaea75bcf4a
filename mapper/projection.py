"""Projection: a validated record becomes nodes and edges, each edge tagged with its source record."""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, NamedTuple

from mapper.keys import normalize
from mapper.models import (AliasRow, Assignment, HierarchyRow, OneOnOne, Record, RosterRow,
                           TieRow, Update)

__all__ = ["Node", "Edge", "Projection", "Aliases", "KeyLog", "record_id", "record_kind", "project",
           "tie_id", "hierarchy_id", "conversation_key", "local_id", "identity_key", "ID_MARK",
           "NODE_KINDS", "EDGE_TYPES"]

NODE_KINDS = ("Campaign", "Person", "Organizer", "Conversation", "Issue", "DecisionMaker",
              "Organization", "Commitment", "Skill", "Unit", "Update")
EDGE_TYPES = ("HELD", "WITH", "IN_CAMPAIGN", "ANGRY_ABOUT", "NAMES", "CONTROLS", "WORKS_FOR",
              "MADE", "HAS_SKILL", "IN_UNIT", "REFERRED", "TIED_TO", "REPORTS_TO", "ABOUT",
              "ASSIGNED")
_KIND_PREFIX = {"Person": "person", "Organizer": "organizer", "Issue": "issue",
                "DecisionMaker": "dm", "Organization": "org", "Skill": "skill", "Unit": "unit"}
_ALIAS_KIND = {"Person": "person", "Issue": "issue", "DecisionMaker": "decision_maker"}
_NO_SELF_EDGE = frozenset(("TIED_TO", "REFERRED", "REPORTS_TO"))

# Names repeat across a large import (units, issues, organizers, people met twice) and
# normalizing (NFKC + casefold + regex) is a sizable part of projecting a record.
_normalize = functools.lru_cache(maxsize=1 << 17)(normalize)


#: How the name part of a person's key starts when she is known by a custom id, not a name.
ID_MARK = "#"
#: How many hex digits of her id's digest follow it (:func:`identity_key`).
_ID_DIGITS = 20
#: A person named by her key's last part, as ``mapper duplicates`` shows one known by a custom
#: id (``#`` and the digest's digits, :func:`identity_key`): a record naming her so (an alias,
#: a contact assignment) reaches her, not a person of that name.
_ID_REF = re.compile(rf"{re.escape(ID_MARK)}[0-9a-f]{{{_ID_DIGITS}}}")


@functools.lru_cache(maxsize=1 << 17)
def identity_key(campaign: str, custom_id: str) -> str:
    """The key of a person known by a custom id (employee number, member id): opaque, so it
    holds neither her name nor her id, and the same in every store for the same campaign.

    >>> identity_key("c1", "E-1001") == identity_key("c1", " E-1001")
    True
    >>> identity_key("c1", "E-1001").startswith("person:c1:#"), identity_key("c2", "E-1001") == identity_key("c1", "E-1001")
    (True, False)
    """
    digest = hashlib.sha256(f"{campaign}\0{custom_id.strip()}".encode()).hexdigest()[:_ID_DIGITS]
    return f"person:{campaign}:{ID_MARK}{digest}"


@functools.lru_cache(maxsize=1 << 17)
def _roster_id(campaign: str, custom_id: str) -> str:
    # A roster row's id is asked for several times per import (checked, written, projected).
    return "roster:" + identity_key(campaign, custom_id).split(":", 1)[1]


class Node(NamedTuple):
    """A node: ``key`` is unique in the store; ``props`` are set when it is first created,
    except for an ``authoritative`` writer (a hierarchy row for a decision maker), which overwrites.

    Named tuples rather than frozen dataclasses: a large import builds tens of millions of them.
    """

    kind: str
    key: str
    campaign: str
    props: dict[str, Any]
    authoritative: bool = False


class Edge(NamedTuple):
    """A directed edge; ``source`` is the id of the record (conversation) it came from."""

    type: str
    src: str
    dst: str
    source: str
    campaign: str
    props: dict[str, Any]


@dataclass(slots=True)
class Projection:
    source: str
    kind: str
    campaign: str
    nodes: list[Node]
    edges: list[Edge]


class Aliases:
    """Per-campaign alias lists: ``resolve`` maps a spelling to the canonical name's key.

    >>> a = Aliases([AliasRow(kind="issue", alias="Mandatory OT", canonical="mandatory overtime")])
    >>> a.key("issue", "default", "mandatory  ot")
    'issue:default:mandatory overtime'
    """

    _PREFIX = {"issue": "issue", "person": "person", "decision_maker": "dm"}

    def __init__(self, rows: list[AliasRow] | None = None) -> None:
        self._map: dict[tuple[str, str, str], str] = {}
        # How many aliases mean each (campaign, prefix, target): whether a name is meant, at
        # once (an import checks each of its alias rows against all the others).
        self._meant: Counter[tuple[str, str, str]] = Counter()
        # The canonical name as each alias writes it, by the key of the node it names
        # ({node key: {alias key: spelling}}): the node is shown so (:meth:`shown`).
        self._names: dict[str, dict[tuple[str, str, str], str]] = {}
        for row in rows or []:
            self.add(row)

    @staticmethod
    def _target(row: AliasRow) -> str:
        canonical = row.canonical.strip()
        # A person known by a custom id is named by her key's last part (#...), as
        # `mapper duplicates` shows it: a look-alike merges into her that way.
        return canonical if canonical.startswith(ID_MARK) else normalize(canonical)

    def add(self, row: AliasRow) -> None:
        prefix = self._PREFIX[row.kind]
        key = (row.campaign, prefix, normalize(row.alias))
        before = self._map.get(key)
        if before is not None:
            self._meant[(row.campaign, prefix, before)] -= 1
            names = self._names.get(f"{prefix}:{row.campaign}:{before}", {})
            names.pop(key, None)
            if not names:
                self._names.pop(f"{prefix}:{row.campaign}:{before}", None)
        self._map[key] = target = self._target(row)
        self._meant[(row.campaign, prefix, target)] += 1
        if not target.startswith(ID_MARK):  # (a custom id names no one: her records do)
            self._names.setdefault(f"{prefix}:{row.campaign}:{target}", {})[key] = \
                row.canonical.strip()

    def refusal(self, row: AliasRow, *, canonical: str = "canonical") -> tuple[str, str] | None:
        """Why ``row`` may not join these aliases, as ``(field, message)`` (``canonical``:
        what the message calls that field), or None when it may. Aliases are not followed in
        chains: an alias of an alias would key records by a name that is itself an alias
        (``B -> A`` after ``A -> B`` swapped two people, each one's records keyed by the
        other's name); an alias of a name other spellings mean would leave those behind. A
        row these aliases already hold changes nothing and passes.

        >>> a = Aliases([AliasRow(kind="person", alias="Ana L", canonical="Ana Lopez")])
        >>> a.refusal(AliasRow(kind="person", alias="Ana Lopez", canonical="ana l"))[0]
        'canonical'
        >>> a.refusal(AliasRow(kind="person", alias="Ana Lopez", canonical="A. Lopez"))[0]
        'alias'
        >>> a.refusal(AliasRow(kind="person", alias="ana  l", canonical="Ana Lopez")) is None
        True
        """
        prefix = self._PREFIX[row.kind]
        if self.target(row.kind, row.campaign, row.alias) == self._target(row):
            return None  # (sent again)
        if normalize(row.alias) == normalize(row.canonical):
            return "alias", (f"the same name as {canonical} (case, spacing and punctuation "
                             "do not count): nothing to join")
        if self.target(row.kind, row.campaign, row.canonical) is not None:
            return "canonical", ("it is itself an alias; give the name it means (aliases are "
                                 "not followed in chains)")
        if self._meant[(row.campaign, prefix, normalize(row.alias))] > 0:
            return "alias", (f"other spellings already mean it; alias those to {canonical} "
                             "first (aliases are not followed in chains)")
        return None

    def extended(self, rows: list[AliasRow]) -> Aliases:
        """These aliases and ``rows`` (a write's own, keying it first), these left as they
        are: one read of the store's shared by whoever keys records by it.

        >>> a = Aliases()
        >>> b = a.extended([AliasRow(kind="person", alias="Ana L", canonical="Ana Lopez")])
        >>> a.key("person", "default", "ana l"), b.key("person", "default", "ana l")
        ('person:default:ana l', 'person:default:ana lopez')
        """
        out = Aliases()
        out._map, out._meant = dict(self._map), Counter(self._meant)
        out._names = {k: dict(v) for k, v in self._names.items()}
        for row in rows:
            out.add(row)
        return out

    def target(self, kind: str, campaign: str, name: str) -> str | None:
        """What ``name`` is an alias of (a normalized name, or a custom id's ``#...``), or
        None when it is no alias.

        >>> a = Aliases([AliasRow(kind="issue", alias="OT", canonical="Overtime")])
        >>> a.target("issue", "default", "ot"), a.target("issue", "default", "overtime")
        ('overtime', None)
        """
        return self._map.get((campaign, self._PREFIX.get(kind, kind), normalize(name)))

    def key(self, kind: str, campaign: str, name: str) -> str:
        prefix = self._PREFIX.get(kind, kind)
        if prefix == "person" and name.startswith(ID_MARK) and _ID_REF.fullmatch(name):
            return f"person:{campaign}:{name}"  # (her key's last part: see _ID_REF)
        norm = _normalize(name)
        if self._map:
            norm = self._map.get((campaign, prefix, norm), norm)
        return f"{prefix}:{campaign}:{norm}"

    def spellings(self, kind: str, campaign: str, target: str) -> set[str]:
        """The aliases keyed as ``target`` (a normalized name, or a ``#`` id key part).

        >>> a = Aliases([AliasRow(kind="person", alias="Ana L", canonical="Ana Lopez")])
        >>> a.spellings("person", "default", "ana lopez")
        {'ana l'}
        """
        prefix = self._PREFIX.get(kind, kind)
        if not self._meant.get((campaign, prefix, target)):  # (none: not every alias read)
            return set()
        return {alias for (camp, pre, alias), to in self._map.items()
                if to == target and camp == campaign and pre == prefix}

    def shown(self, key: str) -> str | None:
        """How the node of ``key`` is shown when aliases name it: the canonical name as an
        alias writes it (an organizer merging spellings chose it), the first in sorted order
        when several write it differently; None when no alias names it (its records do), or
        when that name is itself an alias (in a chain, which `mapper alias` refuses: the
        name would mean another; a record or a service names her by how she is shown).

        >>> a = Aliases([AliasRow(kind="person", alias="Ana L", canonical="Ana M. Lopez")])
        >>> a.shown("person:default:ana m lopez"), a.shown("person:default:ana l")
        ('Ana M. Lopez', None)
        """
        names = self._names.get(key)
        if not names:
            return None
        prefix, campaign, target = key.split(":", 2)
        return None if (campaign, prefix, target) in self._map else min(names.values())

    def shown_all(self) -> dict[str, str]:
        """``{key: how it is shown}`` of every node these aliases name (:meth:`shown`)."""
        return {key: name for key in self._names if (name := self.shown(key)) is not None}

    def __bool__(self) -> bool:
        return bool(self._map)

    @classmethod
    def spelled(cls, kind: str, campaign: str, name: str) -> str:
        """The key ``name`` would have without any alias: what an alias of it is known by
        (:class:`KeyLog`).

        >>> a = Aliases([AliasRow(kind="issue", alias="OT", canonical="Overtime")])
        >>> a.spelled("issue", "default", " ot"), a.key("issue", "default", " ot")
        ('issue:default:ot', 'issue:default:overtime')
        """
        return f"{cls._PREFIX.get(kind, kind)}:{campaign}:{_normalize(name)}"


class KeyLog(Aliases):
    """These aliases, noting the spelling of every name keyed through them
    (:meth:`Aliases.spelled`, in ``seen``): a record projected through it says which names it
    mentions, so a changed alias projects again only the records that name its spelling.

    >>> log = KeyLog(Aliases([AliasRow(kind="issue", alias="OT", canonical="Overtime")]))
    >>> log.key("issue", "default", "OT"), sorted(log.seen)
    ('issue:default:overtime', ['issue:default:ot'])
    """

    def __init__(self, aliases: Aliases) -> None:
        # Shared, never changed here.
        self._map, self._meant, self._names = aliases._map, aliases._meant, aliases._names
        self.seen: set[str] = set()

    def key(self, kind: str, campaign: str, name: str) -> str:
        self.seen.add(self.spelled(kind, campaign, name))
        return super().key(kind, campaign, name)


_KINDS = {OneOnOne: "conversation", RosterRow: "roster", HierarchyRow: "hierarchy",
          TieRow: "tie", AliasRow: "alias", Update: "update", Assignment: "assignment"}


def conversation_key(campaign: str, id_: str) -> str:
    """The store-wide key of a 1-on-1: its id is unique within its campaign only.

    >>> conversation_key("st-lukes", "2026-11-20-ana-lopez")
    'conversation:st-lukes:2026-11-20-ana-lopez'
    """
    return f"conversation:{campaign}:{id_}"


def local_id(key: str) -> str:
    """A conversation's id as its record gives it, from its store-wide key (other keys as they are).

    >>> local_id("conversation:st-lukes:2026-11-20-ana-lopez")
    '2026-11-20-ana-lopez'
    """
    if key.startswith("conversation:"):
        return key.split(":", 2)[2]
    return key


def tie_id(campaign: str, person: str, other: str) -> str:
    """The id of the tie of two people named so (:func:`record_id`), either way round.

    >>> tie_id("c", "Ben", "ana") == tie_id("c", "ana", " ben")
    True
    """
    a, b = sorted((_normalize(person), _normalize(other)))
    return f"tie:{campaign}:{a}|{b}"


def hierarchy_id(campaign: str, name: str) -> str:
    """The id of a decision maker's hierarchy row (:func:`record_id`).

    >>> hierarchy_id("c", "Carl  Reyes")
    'hierarchy:c:carl reyes'
    """
    return f"hierarchy:{campaign}:{_normalize(name)}"


def record_kind(record: Record) -> str:
    return _KINDS[type(record)]


def record_id(record: Record) -> str:
    """The stable id of a record: re-sending it replaces what it produced, nothing else.

    >>> record_id(TieRow(person="Ben", other="ana", campaign="c"))
    'tie:c:ana|ben'
    """
    c = record.campaign
    if isinstance(record, OneOnOne):
        # Scoped by campaign: two campaigns may each meet a "Maria Garcia" on the same day.
        return conversation_key(c, record.id)  # type: ignore[arg-type]
    if isinstance(record, RosterRow):
        if record.custom_id:
            return _roster_id(c, record.custom_id)
        return f"roster:{c}:{_normalize(record.name)}"
    if isinstance(record, HierarchyRow):
        return hierarchy_id(c, record.name)
    if isinstance(record, TieRow):
        return tie_id(c, record.person, record.other)
    if isinstance(record, Update):
        return f"update:{c}:{record.id}"
    if isinstance(record, Assignment):
        # One per person: a new one reassigns (or, without an organizer, unassigns).
        return f"assignment:{c}:{_normalize(record.person)}"
    return f"alias:{c}:{record.kind}:{_normalize(record.alias)}"


class _Builder:
    def __init__(self, source: str, campaign: str, aliases: Aliases) -> None:
        self.source, self.campaign, self.aliases = source, campaign, aliases
        self.nodes: dict[str, Node] = {}
        self.edges: dict[tuple[str, str, str], Edge] = {}

    def node(self, kind: str, name: str, authoritative: bool = False, **props: Any) -> str:
        return self._node(kind, name, props, authoritative)

    def _node(self, kind: str, name: str, props: dict[str, Any] | None = None,
              authoritative: bool = False) -> str:
        """:meth:`node` with its props as a dict (no name among them): a 1-on-1 makes a dozen."""
        alias_kind = _ALIAS_KIND.get(kind)
        if alias_kind is not None:
            key = self.aliases.key(alias_kind, self.campaign, name)
            name = self.aliases.shown(key) or name
        else:
            key = f"{_KIND_PREFIX[kind]}:{self.campaign}:{_normalize(name)}"
        if authoritative or key not in self.nodes:
            self.nodes[key] = Node(kind, key, self.campaign,
                                   {"name": name, **props} if props else {"name": name},
                                   authoritative)
        return key

    def person(self, name: str, custom_id: str | None) -> str:
        """A person's node: by her custom id when she has one, else by her name."""
        if not custom_id:
            return self.node("Person", name)
        key = identity_key(self.campaign, custom_id)
        if key not in self.nodes:
            self.nodes[key] = Node("Person", key, self.campaign, {"name": name})
        return key

    def raw_node(self, kind: str, key: str, **props: Any) -> str:
        self.nodes[key] = Node(kind, key, self.campaign, props)
        return key

    def edge(self, type_: str, src: str, dst: str, **props: Any) -> None:
        self._edge(type_, src, dst, props)

    def _edge(self, type_: str, src: str, dst: str, props: dict[str, Any]) -> None:
        """:meth:`edge` with its props as a dict (its own: the edge keeps it)."""
        if src == dst and type_ in _NO_SELF_EDGE:
            return  # a self-tie says nothing
        # One edge per (type, src, dst) per record: a record naming an issue twice counts once,
        # keeping the strongest anger.
        k = (type_, src, dst)
        old = self.edges.get(k)
        if old is not None and type_ == "ANGRY_ABOUT":
            if (props.get("anger") or -1) <= (old.props.get("anger") or -1):
                return
        self.edges[k] = Edge(type_, src, dst, self.source, self.campaign, props)

    def build(self, kind: str) -> Projection:
        return Projection(self.source, kind, self.campaign, list(self.nodes.values()),
                          list(self.edges.values()))


def _clean(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if v is not None and v != "" and v != []}


def _project_conversation(r: OneOnOne, b: _Builder) -> None:
    camp = b.campaign
    date = r.date.isoformat()
    campaign = b.raw_node("Campaign", f"campaign:{camp}", name=camp)
    conv = b.raw_node("Conversation", conversation_key(camp, r.id), **_clean({
        "id": r.id,
        "name": r.id,
        "date": date,
        "organizer": r.organizer,
        "listening_share": r.space.listening_share,
        "assessment": r.assessment,
        "hope": r.plan.hope,
        "wants_to_talk_again": r.plan.wants_to_talk_again,
        "will_attend_meeting": r.plan.will_attend_meeting,
        "cares_about_problem": r.responsibility.realizes.cares_about_problem,
        "decision_maker_can_fix": r.responsibility.realizes.decision_maker_can_fix,
        "wont_fix_without_pressure": r.responsibility.realizes.wont_fix_without_pressure,
        # What they fear and what they were assigned are their words: the graph keeps only
        # that there are some (the words stay in the record, PERSONAL_FIELDS).
        "fears_count": len(r.ask.fears) or None,
        "has_assignment": True if r.follow_up.assignment else None,
        "follow_up_due": r.follow_up.due.isoformat() if r.follow_up.due else None,
        "thank_you_sent": r.follow_up.thank_you_sent,
        # A plain date (the talk-again item in Follow-ups); what they said about the boss
        # stays in the record (PERSONAL_FIELDS).
        "next_talk": r.plan.next_talk.isoformat() if r.plan.next_talk else None,
    }))
    organizer = b._node("Organizer", r.organizer)
    person = b.person(r.contact.name, r.contact.custom_id)
    b._edge("HELD", organizer, conv, {})
    b._edge("WITH", conv, person, {"date": date})
    b._edge("IN_CAMPAIGN", conv, campaign, {})
    c = r.contact
    if c.unit:
        b._edge("IN_UNIT", person, b._node("Unit", c.unit),
                _clean({"shift": c.shift, "role": c.role, "workplace": c.workplace,
                        "date": date}))
    elif c.shift or c.role:
        # A shift or role said without a unit is still the newest word on them.
        b._edge("IN_CAMPAIGN", person, campaign,
                _clean({"shift": c.shift, "role": c.role, "workplace": c.workplace,
                        "date": date}))
    for mention in r.issues:
        issue = b._node("Issue", mention.issue)
        # Whether they witnessed harm is personal (PERSONAL_FIELDS): it stays in the record.
        b._edge("ANGRY_ABOUT", person, issue, _clean({"anger": mention.anger, "date": date}))
    for named in r.responsibility.named:
        issue = b._node("Issue", named.issue)
        dm_ref = named.decision_maker
        dm = b._node("DecisionMaker", dm_ref.name, _clean({"title": dm_ref.title,
                                                            "organization": dm_ref.organization}))
        b._edge("NAMES", person, dm, {"issue": issue})
        b._edge("CONTROLS", dm, issue, {})
        if dm_ref.organization:
            b._edge("WORKS_FOR", dm, b._node("Organization", dm_ref.organization), {})
    ask = r.ask
    if ask.asked or ask.action or (ask.response and ask.response != "not_asked"):
        commitment = b.raw_node("Commitment", f"commitment:{camp}:{r.id}", **_clean({
            "name": "(ask)",
            "has_action": True if ask.action else None,
            "asked": ask.asked if ask.asked is not None else ask.response not in (None, "not_asked"),
            "response": ask.response,
            "due": ask.due.isoformat() if ask.due else None,
            "date": date,
        }))
        b._edge("MADE", person, commitment, {})
    for skill in r.plan.skills:
        b._edge("HAS_SKILL", person, b._node("Skill", skill), {})
    for ref in r.referrals:
        other = b._node("Person", ref.name)
        b._edge("REFERRED", person, other, _clean({"relationship": ref.relationship}))
        if ref.unit:
            b._edge("IN_UNIT", other, b._node("Unit", ref.unit), {"date": date, "referral": True})


def _project_update(u: Update, b: _Builder) -> None:
    # What happened, never the words: the reason and the note stay in the record.
    node = b.raw_node("Update", f"update:{b.campaign}:{u.id}", **_clean({
        "id": u.id,
        "name": u.update,
        "update": u.update,
        "date": u.date.isoformat(),
        "organizer": u.organizer,
        "outcome": u.outcome,
        "asked": u.asked,
        "assessment": u.assessment,
        "conversation": u.conversation,
    }))
    b.edge("ABOUT", node, b.node("Person", u.person), date=u.date.isoformat())


def _project_roster(r: RosterRow, aliases: Aliases, source: str) -> Projection:
    """A roster row: the person, in her unit (else in the campaign), with the roster's facts."""
    camp = r.campaign
    if r.custom_id:
        person = identity_key(camp, r.custom_id)
    else:
        person = aliases.key("person", camp, r.name)
    nodes = [Node("Person", person, camp, {"name": aliases.shown(person) or r.name})]
    props: dict[str, Any] = {"roster": True}
    # As _clean() keeps them: no None, no empty text.
    for name, value in (("shift", r.shift), ("role", r.role), ("workplace", r.workplace)):
        if value is not None and value != "":
            props[name] = value
    if r.as_of is not None:
        props["date"] = r.as_of.isoformat()
    if r.unit:
        where = f"unit:{camp}:{_normalize(r.unit)}"
        nodes.append(Node("Unit", where, camp, {"name": r.unit}))
        edge = Edge("IN_UNIT", person, where, source, camp, props)
    else:
        where = f"campaign:{camp}"
        nodes.append(Node("Campaign", where, camp, {"name": camp}))
        edge = Edge("IN_CAMPAIGN", person, where, source, camp, props)
    return Projection(source, "roster", camp, nodes, [edge])


def project(record: Record, aliases: Aliases | None = None) -> Projection:
    """Return the nodes and edges a record produces.

    Examples
    --------
    >>> p = project(OneOnOne.model_validate({"id": "c1", "date": "2026-11-20", "organizer": "Maya",
    ...     "contact": {"name": "Ana", "unit": "ICU"}, "issues": [{"issue": "Pay", "anger": 4}]}))
    >>> sorted(e.type for e in p.edges)
    ['ANGRY_ABOUT', 'HELD', 'IN_CAMPAIGN', 'IN_UNIT', 'WITH']
    >>> {e.source for e in p.edges}
    {'conversation:default:c1'}
    """
    aliases = aliases if aliases is not None else Aliases()
    source = record_id(record)
    if isinstance(record, RosterRow):
        # The one record of a large import of lists: built directly, not through _Builder
        # (the same nodes and edges; measured: a 100k-row roster, over a second less).
        return _project_roster(record, aliases, source)
    kind = record_kind(record)
    b = _Builder(source, record.campaign, aliases)
    if isinstance(record, OneOnOne):
        _project_conversation(record, b)
    elif isinstance(record, Update):
        _project_update(record, b)
    elif isinstance(record, Assignment):
        if record.organizer:
            b.edge("ASSIGNED", b.node("Organizer", record.organizer), b.node("Person", record.person),
                   **_clean({"date": record.date.isoformat() if record.date else None}))
    elif isinstance(record, HierarchyRow):
        dm = b.node("DecisionMaker", record.name, authoritative=True,
                    **_clean({"title": record.title, "organization": record.organization}))
        if record.reports_to:
            b.edge("REPORTS_TO", dm, b.node("DecisionMaker", record.reports_to))
        if record.organization:
            b.edge("WORKS_FOR", dm, b.node("Organization", record.organization))
        if not record.reports_to and not record.organization:
            b.edge("IN_CAMPAIGN", dm, b.raw_node("Campaign", f"campaign:{record.campaign}",
                                                 name=record.campaign))
    elif isinstance(record, TieRow):
        a, c = b.node("Person", record.person), b.node("Person", record.other)
        src, dst = sorted((a, c))
        b.edge("TIED_TO", src, dst, **_clean({"relationship": record.relationship}))
    # An alias row produces no graph of its own: it changes how names are keyed.
    return b.build(kind)
