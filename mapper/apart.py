"""Records of one derived id that are not one record (two organizers', or one organizer's about
two people): each its own record, their ids kept apart."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from mapper.keys import normalize, slug
from mapper.models import OneOnOne, Update, body_hash
from mapper.projection import Aliases, identity_key, record_id

__all__ = ["KeptApart", "derived", "places", "contact_key"]

#: How an update naming no organizer marks its id (an update may name none).
NO_ORGANIZER = "no-organizer"

#: The places of a record (:func:`places`) by their index, and where a record goes from each
#: when that one is taken: ``(another organizer's, hers about another person)``; None: nowhere
#: further, it takes that place (as an id given explicitly would).
_NEXT: dict[int, tuple[int | None, int | None]] = {
    0: (2, 1),        # {id}            -> {id}-{organizer} | {id}-{person}
    1: (None, None),  # {id}-{person}
    2: (3, 4),        # {id}-{organizer} -> ...-{organizer hash} | {id}-{organizer}-{person}
    3: (None, 5),     # {id}-{organizer}-{organizer hash} -> ...-{person}
    4: (None, None),
    5: (None, None),
}
_NO_ALIASES = Aliases()


def derived(record: Any) -> bool:
    """Whether ``record`` is a 1-on-1 or an update whose id was derived from what it says
    (date and person), not given: one such id can be several records.

    Examples
    --------
    >>> talk = {"date": "2026-11-20", "organizer": "Sam Lee", "contact": {"name": "Ana López"}}
    >>> derived(OneOnOne.model_validate(talk))
    True
    >>> derived(OneOnOne.model_validate({**talk, "id": "t1"}))
    False
    """
    return isinstance(record, (OneOnOne, Update)) and "id" not in record.model_fields_set


@functools.lru_cache(maxsize=4096)
def _marks(organizer: str | None) -> tuple[str, str, str]:
    """``(key, slug, hash)`` of an organizer's name: how :func:`mapper.roles.is_own` compares
    it, how an id names it, and a short hash of the key (organizers repeat: computed once)."""
    key = normalize(organizer or "")
    return key, slug(organizer) if organizer else NO_ORGANIZER, body_hash({"organizer": key})[:8]


def contact_key(record: OneOnOne | Update, aliases: Aliases = _NO_ALIASES) -> str:
    """The key of the person a 1-on-1 is with (an update about), as the projection keys her:
    by her custom id when the 1-on-1 gives one, else by her name (with ``aliases``, the
    campaign's, as the store keys her now).

    Examples
    --------
    >>> talk = {"date": "2026-11-20", "organizer": "Sam Lee", "campaign": "c1"}
    >>> contact_key(OneOnOne.model_validate({**talk, "contact": {"name": " 李  明 "}}))
    'person:c1:李 明'
    >>> contact_key(OneOnOne.model_validate(
    ...     {**talk, "contact": {"name": "Li Ming", "custom_id": "E-7"}})).startswith("person:c1:#")
    True
    """
    if isinstance(record, OneOnOne):
        if record.contact.custom_id:
            return identity_key(record.campaign, record.contact.custom_id)
        name = record.contact.name
    else:
        name = record.person
    return aliases.key("person", record.campaign, name)


@functools.lru_cache(maxsize=1 << 14)
def _person_mark(key: str) -> str:
    return "p" + body_hash({"person": key})[:7]


def places(record: OneOnOne | Update, person: str | None = None
           ) -> tuple[str, str, str, str, str, str]:
    """The ids a record of a derived id may take: that id; with a short mark of its contact
    (``p`` and 7 hex digits of a hash of her key, never her name) where the same organizer's
    record about another person holds it; with its organizer's slug where another organizer's
    does; that with a short hash of the organizer's name too, for two organizers whose names
    slug alike ("Sam Lee" and "Sam Lée"); and each of the last two with the contact's mark,
    where she holds it about another person. (Names without a Latin letter all slug to "x":
    one organizer's 1-on-1s with 李明 and 王芳 of one day derive one id.)

    In index order ``(id, id-P, id-O, id-O-H, id-O-P, id-O-H-P)``; :class:`KeptApart` walks
    them from the first, a taken place leading to the next by whose it is. ``person``: the
    contact's key without aliases (:func:`contact_key`), when the caller has it.

    Examples
    --------
    >>> talk = {"date": "2026-11-20", "organizer": "Sam Lee", "contact": {"name": "Ana López"}}
    >>> found = places(OneOnOne.model_validate(talk))
    >>> found[0], found[2]
    ('2026-11-20-ana-lopez', '2026-11-20-ana-lopez-sam-lee')
    >>> found[1]
    '2026-11-20-ana-lopez-p0ee7a6b'
    """
    _, mark, digest = _marks(record.organizer)
    given = record.id or ""
    person = _person_mark(person if person is not None else contact_key(record))
    at = f"{given}-{mark}"
    return (given, f"{given}-{person}", at, f"{at}-{digest}", f"{at}-{person}",
            f"{at}-{digest}-{person}")


class KeptApart:
    """Where each record of a batch is written, in the batch's order (:meth:`place`).

    A 1-on-1 or an update sent without an id takes one derived from its date and person
    (:mod:`mapper.models`), which two records can share: two organizers' 1-on-1s with Ana
    López on 2026-11-20, or one organizer's with 李明 and with 王芳 that day (their names have
    no Latin letter: both slug to "x"), or with two Ana López told apart by their custom ids.
    Where that id is already such another record (stored, or earlier in the batch), the record
    is kept apart at another of its :func:`places`, not replacing the other: from the derived
    id, a place another organizer's record holds leads on to the one adding her name's slug
    (then a hash of her name), a place the same organizer's record about another person holds
    to the one adding a mark of the contact. Sent again, a record lands on the same place:
    where one of hers about that person already is, else the first free one of that walk. So
    Maya Ortiz and Sam Lee with Ana López hold ``2026-11-20-ana-lopez`` and
    ``2026-11-20-ana-lopez-sam-lee``, as before. An edit of an organizer's record about the
    same person replaces it (a re-send is unchanged); the ids of stored records never move.
    Organizers are compared as :func:`mapper.roles.is_own` compares them, people by their
    keys (:func:`contact_key`: a custom id, else the name as the campaign's aliases key it);
    an id given explicitly names its record and is kept as given.

    ``read``: ``{id: (organizer, person key)}`` of the stored records among some ids
    (:meth:`mapper.stores.base.Store.record_organizers`), asked once for a batch by
    :meth:`prefetch`, never once a record; None: only the batch is weighed (a check of files
    without a store). ``aliases``: a campaign's aliases (read once a campaign), what the store
    keyed its people by.

    Examples
    --------
    >>> apart = KeptApart()
    >>> talk = {"date": "2026-11-20", "contact": {"name": "Ana López"}}
    >>> [apart.place(OneOnOne.model_validate({**talk, "organizer": o})).id
    ...  for o in ("Maya Ortiz", "Sam Lee", "sam  lee")]
    ['2026-11-20-ana-lopez', '2026-11-20-ana-lopez-sam-lee', '2026-11-20-ana-lopez-sam-lee']
    >>> [apart.place(OneOnOne.model_validate(
    ...     {**talk, "organizer": "Maya Ortiz", "contact": {"name": n}})).id
    ...  for n in ("李明", "王芳", "李明")]
    ['2026-11-20-x', '2026-11-20-x-pc4939ac', '2026-11-20-x']
    """

    def __init__(self, read: Callable[[list[str]], dict[str, tuple[str | None, str | None]]]
                 | None = None, aliases: Callable[[str], Aliases] | None = None) -> None:
        self._read = read
        self._aliases_of = aliases
        self._aliases: dict[str, Aliases] = {}
        # {record id: (its organizer's key, its person's key)}: the stored ones read, and the
        # batch's placed so far. A stored person None (a store that did not say) counts as hers.
        self._held: dict[str, tuple[str, str | None]] = {}
        # The ids asked of the store (found or not): never asked twice.
        self._asked: set[str] = set()
        # (derived record id, person key) of the records prefetched: a record whose person was
        # matched to another since (mapper.identity) has its places read when placed.
        self._planned: set[tuple[str, str]] = set()
        # {id(record): (record, its place ids, whose)} of the prefetched not placed yet.
        self._ahead: dict[int, tuple[Any, list[str], tuple[str, str]]] = {}
        # {(kind, campaign): what its record ids start with} (record_id once per campaign).
        self._scopes: dict[tuple[type, str], str] = {}

    def prefetch(self, records: Iterable[Any]) -> None:
        """Read whose the places of these records are, for them all at once, a round of
        places a read: each one's derived id, then the places after it where the one before
        is not hers: after the derived id whether free or taken (hers may be further on since
        the other was deleted), after another place only where it is taken by another. One
        read when they are sent again, two for new ones, more only where places are taken
        deeper."""
        if self._read is None:
            return
        todo = []
        ahead = self._ahead
        for r in records:
            if derived(r):
                who, plain = self._who(r)
                ids = self._ids(r, plain)
                todo.append((ids, who))
                ahead[id(r)] = (r, ids, who)  # (what place() needs of it: computed once)
        self._planned.update((ids[0], who[1]) for ids, who in todo)
        self._walk(todo)

    def _walk(self, todo: list[tuple[list[str], tuple[str, str]]], *, deleted: bool = True
              ) -> None:
        """Read the places of ``todo`` round by round. ``deleted``: as :meth:`prefetch` says;
        else only the place each taken place leads to (where a record goes, not where one of
        hers might be since another was deleted)."""
        held = self._held
        frontier = [(ids, who, 0) for ids, who in todo]
        while frontier:
            self._learn([ids[at] for ids, _, at in frontier])
            after = []
            for ids, who, at in frontier:
                there = held.get(ids[at])
                if there is not None and self._hers(there, who):
                    continue
                if there is None:
                    if at or not deleted:
                        continue
                    # Past a free derived id, both places (hers may be on since the one there
                    # was deleted).
                    after += [(ids, who, 1), (ids, who, 2)]
                elif deleted:  # past a place taken by another, both places it may lead to
                    after += [(ids, who, n) for n in _NEXT[at] if n is not None]
                elif (step := _NEXT[at][there[0] == who[0]]) is not None:
                    after.append((ids, who, step))
            frontier = after

    def _learn(self, ids: list[str]) -> None:
        held, asked = self._held, self._asked
        wanted = [rid for rid in dict.fromkeys(ids) if rid not in held and rid not in asked]
        if wanted and self._read is not None:
            asked.update(wanted)
            for rid, (organizer, person) in self._read(wanted).items():
                held[rid] = (_marks(organizer)[0], person)

    @staticmethod
    def _hers(there: tuple[str, str | None], who: tuple[str, str]) -> bool:
        return there[0] == who[0] and (there[1] is None or there[1] == who[1])

    def place(self, record: Any) -> Any:
        """``record`` as it will be written: another object, with its new id (then counted as
        given), when it is kept apart; noted as held for the records after it."""
        if not isinstance(record, (OneOnOne, Update)):
            return record
        held = self._held
        if not derived(record):
            held[record_id(record)] = self._who(record)[0]
            return record
        found = self._ahead.pop(id(record), None)
        if found is not None and found[0] is record:
            _, ids, who = found
        else:
            who, plain = self._who(record)
            ids = self._ids(record, plain)
        if self._read is not None and (ids[0], who[1]) not in self._planned:
            # Its person was matched since it was prefetched (mapper.identity gave her custom
            # id): the places it takes are read now, only where the derived id is taken by
            # another record (a read for this record alone: seldom).
            self._planned.add((ids[0], who[1]))
            self._walk([(ids, who)], deleted=False)
        for at, rid in enumerate(ids):  # where one of hers is
            there = held.get(rid)
            if there is not None and self._hers(there, who):
                break
        else:
            at = 0
            while (there := held.get(ids[at])) is not None:  # else the walk's first free
                step = _NEXT[at][there[0] == who[0]]
                if step is None:
                    break  # (taken to the end: this one, as an id given explicitly would be)
                at = step
        held[ids[at]] = who
        if at == 0:
            return record
        return record.model_copy(update={"id": ids[at][len(ids[0]) - len(record.id or ""):]})

    def _who(self, record: OneOnOne | Update) -> tuple[tuple[str, str], str]:
        """Its organizer's key and its person's key as the store keyed her; and her key
        without aliases (what her mark in an id is made of)."""
        aliases = self._aliases.get(record.campaign)
        if aliases is None:
            aliases = self._aliases[record.campaign] = (
                self._aliases_of(record.campaign) if self._aliases_of is not None
                else _NO_ALIASES)
        key = contact_key(record, aliases)
        plain = contact_key(record) if aliases else key
        return (_marks(record.organizer)[0], key), plain

    def _ids(self, record: OneOnOne | Update, plain: str) -> list[str]:
        """The record ids (:func:`mapper.projection.record_id`) of the record's
        :func:`places`."""
        kind = (type(record), record.campaign)
        scope = self._scopes.get(kind)
        if scope is None:
            own = record_id(record)  # "conversation:c:...", "update:c:..."
            scope = self._scopes[kind] = own[:len(own) - len(record.id or "")]
        return [scope + p for p in places(record, plain)]
