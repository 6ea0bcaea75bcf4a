"""A contact assignment under every spelling she is assigned under.

An alias joining two spellings of a person, each assigned, leaves two records naming her (one
per spelling); a new assignment rewrites them all, or the one it replaces may still win (two
of the same day are told apart by the organizer alone). Every write of assignments does this:
`mapper assign` and the dashboard, the API (:mod:`mapper.services`) and an import
(:mod:`mapper.importer`), which is why it lives below both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mapper.keys import normalize
from mapper.models import AliasRow, Assignment
from mapper.projection import Aliases, record_id
from mapper.stores.base import Store

__all__ = ["assigned_spellings", "assignment_ids", "respelled"]


def assignment_ids(aliases: Aliases, campaign: str, key: str) -> set[str]:
    """The ids a contact assignment of the person of ``key`` may have been stored under (one
    per spelling keyed as her: her key's own, and each alias of it), found or not."""
    target = key.split(":", 2)[2]
    return {record_id(Assignment(person=spelling, campaign=campaign))
            for spelling in aliases.spellings("person", campaign, target) | {target}}


def assigned_spellings(store: Store, aliases: Aliases, campaign: str,
                       people: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """``{person key: [name]}``: the other spellings under which each of these people
    (``(key, name)``) holds a contact assignment."""
    if not aliases:
        return {}
    wanted: set[str] = set()
    for key, _ in people:
        wanted |= assignment_ids(aliases, campaign, key)
    found: dict[str, list[str]] = {}
    names = {key: normalize(name) for key, name in people}
    for record in store.get_records(sorted(wanted)):
        name = record.body["person"]
        # Whom the record names, as the projection keys it: aliases are not followed in
        # chains, so a spelling that is her target may be aliased on, its record another's
        # (and one id may be looked up for two people of this call).
        key = aliases.key("person", campaign, name)
        if key in names and normalize(name) != names[key]:
            found.setdefault(key, []).append(name)
    return found


def _batch_aliases(aliases: Aliases, records: Sequence[Any], campaign: str) -> Aliases:
    """The campaign's ``aliases`` (as stored) as a write of ``records`` keys them (its alias
    rows first)."""
    return aliases.extended([row for row in records
                             if isinstance(row, AliasRow) and row.campaign == campaign])


def respelled(store: Store, records: Sequence[Any],
              aliases_of: Callable[[str], Aliases] | None = None) -> list[Assignment]:
    """The contact assignments ``records`` imply under the other spellings of the people they
    assign: each person's last one in ``records``, under every other spelling she is assigned
    under, those of ``records`` included (as if sent one by one). Written after ``records``
    (in one write the last copy of an id wins). ``aliases_of(campaign)``: its aliases as
    stored, as the caller read them (else read here)."""
    out: list[Assignment] = []
    for campaign in {r.campaign for r in records if isinstance(r, Assignment)}:
        aliases = _batch_aliases((aliases_of or store.aliases)(campaign), records, campaign)
        mine = [r for r in records if isinstance(r, Assignment) and r.campaign == campaign]
        keys = [aliases.key("person", campaign, r.person) for r in mine]
        last = dict(zip(keys, mine))
        others = assigned_spellings(store, aliases, campaign,
                                    [(k, r.person) for k, r in last.items()])
        for key, r in last.items():
            names = {normalize(n): n for n in others.get(key, ())}
            names.update((normalize(x.person), x.person) for k, x in zip(keys, mine) if k == key)
            names.pop(normalize(r.person), None)
            out.extend(r.model_copy(update={"person": n}) for n in names.values())
    return out
