"""Two organizers' 1-on-1s with one person on one day: two records, their ids kept apart."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from mapper.keys import normalize, slug
from mapper.models import OneOnOne, Update, body_hash
from mapper.projection import record_id

__all__ = ["KeptApart", "derived", "places"]

#: How an update naming no organizer marks its id (an update may name none).
NO_ORGANIZER = "no-organizer"


def derived(record: Any) -> bool:
    """Whether ``record`` is a 1-on-1 or an update whose id was derived from what it says
    (date and person), not given: one such id can be two organizers' records.

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


def places(record: OneOnOne | Update) -> tuple[str, str, str]:
    """The ids a record of a derived id may take, in order: that id; with its organizer's
    slug added; with a short hash of her name too, for two organizers whose names slug alike
    ("Sam Lee" and "Sam Lée"; two names without a Latin letter both slug to "x").

    Examples
    --------
    >>> talk = {"date": "2026-11-20", "organizer": "Sam Lee", "contact": {"name": "Ana López"}}
    >>> places(OneOnOne.model_validate(talk))[:2]
    ('2026-11-20-ana-lopez', '2026-11-20-ana-lopez-sam-lee')
    """
    _, mark, digest = _marks(record.organizer)
    given = record.id or ""
    return given, f"{given}-{mark}", f"{given}-{mark}-{digest}"


class KeptApart:
    """Where each record of a batch is written, in the batch's order (:meth:`place`).

    A 1-on-1 or an update sent without an id, whose derived id is already another organizer's
    record (stored, or earlier in the batch), takes that id with her name's slug added
    (:func:`places`): Maya Ortiz and Sam Lee who each talked with Ana López on 2026-11-20 hold
    ``2026-11-20-ana-lopez`` and ``2026-11-20-ana-lopez-sam-lee``, not one record replacing the
    other. Sent again, it lands on the same record: where one of hers already is, else the
    first of its places no one holds. One organizer's own records are as before (a re-send is
    unchanged, an edit replaces). An id given explicitly names its record and is kept as
    given. Organizers are compared as :func:`mapper.roles.is_own` compares them.

    ``read``: ``{id: organizer}`` of the stored records among some ids
    (:meth:`mapper.stores.base.Store.record_organizers`), asked once for a batch by
    :meth:`prefetch`, never once a record; None: only the batch is weighed (a check of files
    without a store).

    Examples
    --------
    >>> apart = KeptApart()
    >>> talk = {"date": "2026-11-20", "contact": {"name": "Ana López"}}
    >>> [apart.place(OneOnOne.model_validate({**talk, "organizer": o})).id
    ...  for o in ("Maya Ortiz", "Sam Lee", "sam  lee")]
    ['2026-11-20-ana-lopez', '2026-11-20-ana-lopez-sam-lee', '2026-11-20-ana-lopez-sam-lee']
    """

    def __init__(self, read: Callable[[list[str]], dict[str, str | None]] | None = None) -> None:
        self._read = read
        # {record id: its organizer's key}: the stored ones read, and the batch's placed so far.
        self._held: dict[str, str] = {}
        # {(kind, campaign): what its record ids start with} (record_id once per campaign).
        self._scopes: dict[tuple[type, str], str] = {}

    def prefetch(self, records: Iterable[Any]) -> None:
        """Read whose the places of these records are, for them all at once: each one's
        derived id, then its next place where the one before is not hers (hers may be there
        since the other was deleted; two organizers' names may slug alike). One read when
        they are sent again, two for new ones, a third only where names slug alike."""
        if self._read is None:
            return
        todo = [(self._ids(r), _marks(r.organizer)[0]) for r in records if derived(r)]
        held = self._held
        self._learn([ids[0] for ids, _ in todo])
        self._learn([ids[1] for ids, key in todo if held.get(ids[0]) != key])
        self._learn([ids[2] for ids, key in todo if held.get(ids[1], key) != key])

    def _learn(self, ids: list[str]) -> None:
        held = self._held
        wanted = [rid for rid in dict.fromkeys(ids) if rid not in held]
        if wanted and self._read is not None:
            for rid, organizer in self._read(wanted).items():
                held[rid] = _marks(organizer)[0]

    def place(self, record: Any) -> Any:
        """``record`` as it will be written: another object, with its new id (then counted as
        given), when it is kept apart; noted as held for the records after it."""
        if not isinstance(record, (OneOnOne, Update)):
            return record
        key = _marks(record.organizer)[0]
        held = self._held
        if not derived(record):
            held[record_id(record)] = key
            return record
        ids = self._ids(record)
        for at, rid in enumerate(ids):  # where one of hers is
            if held.get(rid) == key:
                break
        else:
            for at, rid in enumerate(ids):  # else the first no one holds
                if rid not in held:
                    break
            # (all held by others: the last, as an id given explicitly would be)
        held[ids[at]] = key
        return record if at == 0 else record.model_copy(update={"id": places(record)[at]})

    def _ids(self, record: OneOnOne | Update) -> list[str]:
        """The record ids (:func:`mapper.projection.record_id`) of the record's
        :func:`places`."""
        kind = (type(record), record.campaign)
        scope = self._scopes.get(kind)
        if scope is None:
            own = record_id(record)  # "conversation:c:...", "update:c:..."
            scope = self._scopes[kind] = own[:len(own) - len(record.id or "")]
        return [scope + p for p in places(record)]
