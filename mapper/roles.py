"""Who may do what: the role rules, as pure functions of an actor and what it acts on.

An actor is anything with a ``role`` and an ``organizer`` name (the name an organizer records her 1-on-1s under): the dashboard's
``User`` and :class:`Actor` both are; either may be limited to some ``campaigns``
(:func:`sees_campaign`). The CLI acts as :data:`ADMIN` — whoever holds the store
file holds everything in it.

>>> maya = Actor("organizer", "Maya Ortiz")
>>> may_delete(maya, {"record_type": "conversation", "organizer": "maya ortiz"})
True
>>> may_delete(maya, {"record_type": "update", "organizer": "Sam Lee"})
False
>>> may_delete(ADMIN, {"record_type": "roster"})
True
>>> campaigns_for(Actor("organizer", "Maya Ortiz", ("st-lukes",)), ["mercy", "st-lukes"])
['st-lukes']
>>> may_be_given([Actor("organizer", "Maya Ortiz", ("st-lukes",))], "maya ortiz", "mercy")
False
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from mapper.keys import normalize
from mapper.snapshot import Snapshot

__all__ = ["Actor", "ActorLike", "ADMIN", "ROLES", "is_own", "may_record", "may_delete",
           "may_assign", "sees_people", "sees_every_list", "sees_contact_details", "my_list_for",
           "may_import_lists", "sees_campaign", "campaigns_for", "may_be_given"]

#: admin: everything. planner: plans the campaign — sees every list of people and every
#: organizer's list, assigns contacts to anyone; sees no one's contact details or words and
#: records nothing. organizer: records 1-on-1s, sees lists of people, the details and words of
#: her own conversations and contacts. viewer: counts and charts only.
ROLES = ("admin", "planner", "organizer", "viewer")


class ActorLike(Protocol):
    role: str
    organizer: str | None


@dataclass(frozen=True, slots=True)
class Actor:
    """The smallest actor: a role, for an organizer her name, and the campaigns it is limited
    to (none: every campaign)."""

    role: str
    organizer: str | None = None
    campaigns: tuple[str, ...] = ()


#: The command line's actor: it opened the store itself.
ADMIN = Actor("admin")

#: The kinds of record an organizer makes and may therefore delete, by the field naming her.
_MADE_BY = {"conversation": "organizer", "update": "organizer"}


def is_own(actor: ActorLike, organizer_name: str | None) -> bool:
    """Whether ``organizer_name`` is this actor's own name (an organizer's; case and spacing
    do not count)."""
    return (actor.role == "organizer" and bool(actor.organizer) and bool(organizer_name)
            and normalize(actor.organizer) == normalize(organizer_name))


def sees_campaign(actor: ActorLike, campaign: str | None) -> bool:
    """Whether ``campaign`` is one the actor works on: an admin, and an account limited to no
    campaigns, every one; else those of its list. A campaign outside it is, to the actor, a
    campaign that does not exist: read nowhere, written nowhere, never named."""
    scope = getattr(actor, "campaigns", None) or ()
    return actor.role == "admin" or not scope or campaign in scope


def campaigns_for(actor: ActorLike, held: list[str]) -> list[str]:
    """The campaigns of ``held`` (the store's) the actor sees, in their order."""
    return [c for c in held if sees_campaign(actor, c)]


def may_be_given(accounts: Iterable[ActorLike], organizer_name: str | None,
                 campaign: str) -> bool:
    """Whether a contact of ``campaign`` may be given to ``organizer_name`` (``None``: to no
    one), whoever gives it: a name no account records under may (organizers without accounts
    are normal); else one of the accounts recording under it must work on the campaign (a
    contact she would never see on her list is a contact no one reaches)."""
    if not organizer_name:
        return True
    hers = [a for a in accounts
            if a.organizer and normalize(a.organizer) == normalize(organizer_name)]
    return not hers or any(sees_campaign(a, campaign) for a in hers)


def may_record(actor: ActorLike) -> bool:
    """Record 1-on-1s and log updates: admins and organizers."""
    return actor.role in ("admin", "organizer")


def sees_people(actor: ActorLike) -> bool:
    """See individual people by name; viewers see counts only."""
    return actor.role in ("admin", "planner", "organizer")


def sees_every_list(actor: ActorLike) -> bool:
    """See every organizer's lists (My list, Follow-ups) and not only one's own."""
    return actor.role in ("admin", "planner")


def may_delete(actor: ActorLike, record: Mapping[str, Any]) -> bool:
    """An admin deletes any record; an organizer the 1-on-1s and updates she made.

    ``record`` is a stored record's body with its kind as ``record_type`` (as exported).
    """
    if actor.role == "admin":
        return True
    field = _MADE_BY.get(str(record.get("record_type")))
    return field is not None and is_own(actor, record.get(field))


def may_assign(actor: ActorLike, organizer_name: str | None, current: str | None = None) -> bool:
    """Give a contact to ``organizer_name`` (``None``: unassign) when it is now with ``current``.

    An admin or a planner assigns anyone to anyone; an organizer may take an unassigned contact
    for herself and give back her own; viewers assign nothing.
    """
    if actor.role in ("admin", "planner"):
        return True
    if actor.role != "organizer":
        return False
    if organizer_name is None:
        return is_own(actor, current)
    return is_own(actor, organizer_name) and (current is None or is_own(actor, current))


def sees_contact_details(actor: ActorLike, person_key: str, snapshot: Snapshot) -> bool:
    """See a contact's phone and email: an admin always; an organizer for contacts assigned to
    her and those she talked with; other organizers and viewers never."""
    if actor.role == "admin":
        return True
    if actor.role != "organizer" or not actor.organizer:
        return False
    assigned = snapshot.assignments.get(person_key)
    if assigned is not None and is_own(actor, snapshot.organizers.get(assigned.organizer)):
        return True
    return any(c.person == person_key and is_own(actor, c.organizer)
               for c in snapshot.conversations)


def my_list_for(actor: ActorLike, result: dict[str, Any]) -> dict[str, Any]:
    """A ``my_list`` answer as the actor may see it: a viewer gets the counts per organizer,
    without the contacts."""
    if sees_people(actor):
        return result
    return {**result, "organizers": [{**o, "contacts": []} for o in result["organizers"]]}


def may_import_lists(actor: ActorLike) -> bool:
    """Bring lists in (upload a roster or a campaign's files): admins and organizers. Planners
    and viewers do not: an upload writes people, and their contact details, into the store."""
    return actor.role in ("admin", "organizer")
