"""What a user does to a campaign, one function each: log an update, close a follow-up item,
assign or unassign contacts, delete a record, read a person.

Each takes the store and the acting user (see :mod:`mapper.roles`) and checks the role rules
itself: the CLI (acting as :data:`mapper.roles.ADMIN`), the dashboard and any API call them,
so no permission check lives in a command or a callback. A refusal raises
:class:`ServiceError` whose message names the field, never a stored value or a name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from mapper import clock
from mapper.apart import KeptApart
from mapper.keys import normalize
from mapper.models import Assignment, Update
from mapper.projection import ID_MARK, Aliases, conversation_key, identity_key, record_id
from mapper.respelling import assigned_spellings, assignment_ids, respelled
from mapper.roles import (ActorLike, campaigns_for, is_own, may_assign, may_be_given,
                          may_delete, may_record, sees_campaign, sees_contact_details,
                          sees_people)
from mapper.snapshot import Person, Snapshot
from mapper.stores.base import Changed, Store, WriteResult

__all__ = ["ServiceError", "NotAllowed", "NotFound", "Logged", "Assigned", "Deleted",
           "CLOSING_UPDATE", "SUGGESTIONS", "log_update", "close_item", "assign", "assign_people",
           "assign_from", "suggested", "unassign", "delete_record",
           "find_person", "snapshot_of_people", "default_organizer", "open_items", "person_timeline", "contact_details",
           "MAX_SUGGESTIONS", "form_suggestions", "save_draft", "list_drafts", "open_draft",
           "delete_draft", "UploadCheck", "check_upload", "import_upload", "preview_upload",
           "PREVIEW_ROWS", "suggest_upload", "resolve_identities", "kept_apart", "post_records",
           "record_person_key", "OUT_OF_SCOPE", "giving_rule"]


class ServiceError(ValueError):
    """A request refused; the message names the field, never a value."""


class NotAllowed(ServiceError):
    """The actor's role does not allow it."""


class NotFound(ServiceError):
    """What the request names is not there."""


#: The update that closes a follow-up item, by the item's kind (the part of its id before ":").
CLOSING_UPDATE = {"thank_you": "thank_you_sent", "assignment": "assignment_done",
                  "commitment": "commitment_kept", "talk_again": "talked_again"}
#: Other updates that close an item of that kind too.
ALSO_CLOSES = {"assignment": "assignment_not_done", "commitment": "commitment_missed"}


@dataclass(frozen=True, slots=True)
class Logged:
    """An update as written, and what writing it did (an identical re-send is unchanged)."""

    update: Update
    result: WriteResult


@dataclass(slots=True)
class Assigned:
    """Contacts (person keys and names) given to ``organizer`` (None: unassigned), with the
    organizer each had before; ``skipped`` people needed no change. ``new_organizer``: the
    campaign knew no organizer of that name (no 1-on-1 of hers, no contact given to her): a
    new one, or a misspelling of one it knows."""

    organizer: str | None
    date: dt.date
    people: list[tuple[str, str, str | None]] = field(default_factory=list)
    skipped: list[tuple[str, str, str | None]] = field(default_factory=list)
    result: WriteResult = field(default_factory=WriteResult)
    new_organizer: bool = False


@dataclass(frozen=True, slots=True)
class Deleted:
    kind: str
    campaign: str
    count: int


def _invalid(exc: ValidationError, what: str) -> ServiceError:
    # The field and pydantic's message without the input (which may be a name or a story).
    fields = "; ".join(f"{'.'.join(map(str, e['loc'])) or what}: {e['msg']}"
                       for e in exc.errors(include_url=False, include_input=False))
    return ServiceError(f"{what}: {fields}")


def person_keys(store: Store, campaign: str, names: Sequence[str],
                identities: Any = None) -> list[str]:
    """The person each name means in the campaign: aliases followed (and a ``#...`` name, as
    :func:`person_ref` gives, her key's); a name no one is known by alone, the one person of
    that name known by a custom id, as an import matches a name-only row
    (:class:`mapper.identity.Identities`). The campaign's aliases are read once, for every
    name and the match alike (``store.person_key`` would read them again per name); pass
    ``identities`` (a :class:`mapper.identity.Identities`) to keep them for what follows."""
    from mapper.identity import Identities
    from mapper.models import RosterRow

    if not names:
        return []
    identities = identities if identities is not None else Identities(store)
    aliases = identities.aliases(campaign)
    keys = [aliases.key("person", campaign, n) for n in names]
    # (A name an alias keys is whom the alias says, as an import's _named takes it.)
    plain = [i for i, k in enumerate(keys) if k == f"person:{campaign}:{normalize(names[i])}"]
    if plain:
        rows = {}
        for i in plain:
            try:
                rows[i] = RosterRow(name=names[i], campaign=campaign)
            except ValidationError:
                continue  # (not a name: found by no one; the others still are)
        identities.prefetch(rows.values())
        for i, row in rows.items():
            found = identities.resolve(row, "", "")
            if found.custom_id:
                keys[i] = identity_key(campaign, found.custom_id)
    return keys


def find_person(snapshot: Snapshot, key: str, what: str = "PERSON") -> Person:
    """The person of ``key``, the key a name means (as :func:`snapshot_of_people` hands it
    back, or :func:`person_keys`), or :class:`NotFound`."""
    person = snapshot.people.get(key)
    if person is None:
        raise NotFound(f"{what}: no one by that name in campaign {snapshot.campaign} "
                       "(see `mapper search`)")
    return person


def _known_organizers(snapshot: Snapshot) -> dict[str, str]:
    known = {normalize(n): n for n in snapshot.organizers.values()}
    known.update({normalize(c.organizer): c.organizer for c in snapshot.conversations})
    return known


def _organizer_name(snapshot: Snapshot, name: str) -> str:
    """A known organizer's spelling of ``name``, else ``name`` as given."""
    return _known_organizers(snapshot).get(normalize(name), name)


def default_organizer(snapshot: Snapshot, person_key: str) -> str | None:
    """Who an update is logged for when none is named: the organizer the contact is assigned
    to, else the one who last spoke with them, else nobody."""
    assigned = snapshot.assignments.get(person_key)
    if assigned is not None and assigned.organizer in snapshot.organizers:
        return snapshot.organizers[assigned.organizer]
    held = [c for c in snapshot.conversations if c.person == person_key]
    return held[-1].organizer if held else None


def _logger(actor: ActorLike, snapshot: Snapshot, person_key: str, organizer: str | None,
            fallback: str | None = None) -> str | None:
    if not may_record(actor):
        raise NotAllowed("a viewer cannot log updates")
    if actor.role == "organizer":
        # An organizer logs as herself, never for someone else.
        if organizer and not is_own(actor, organizer):
            raise NotAllowed("organizer: an organizer logs updates under her own name only")
        return actor.organizer
    if organizer:
        return _organizer_name(snapshot, organizer)
    return fallback or default_organizer(snapshot, person_key)


def snapshot_of_people(store: Store, campaign: str, names: Sequence[str] = (),
                       keys: Sequence[str] = (), identities: Any = None
                       ) -> tuple[Snapshot, list[str]]:
    """A snapshot of these people (by name, aliases followed, or by key) and the campaign's
    organizers: what acting on a few people needs. The campaign's own snapshot (seconds at
    100k people, again after every write) only while the store cannot give one.

    With it, the key each of ``names`` means (:func:`person_keys`), for :func:`find_person`:
    resolving a name reads the campaign's aliases and the identity index, so it is done once.
    """
    named = person_keys(store, campaign, names, identities)
    kept = store.people_snapshot(campaign, [*keys, *named])
    return (kept if kept is not None else store.snapshot(campaign)), named


def log_update(store: Store, actor: ActorLike, campaign: str, person: str, *,
               organizer: str | None = None, date: dt.date | None = None,
               **fields: Any) -> Logged:
    """Write one update about a person of the campaign (``fields`` as :class:`Update`'s:
    ``update``, ``outcome``, ``asked``, ``assessment``, ``reason``, ``note``,
    ``conversation``). ``date`` defaults to today (:func:`mapper.clock.today`)."""
    from mapper.identity import Identities

    identities = Identities(store)  # the campaign's aliases read once, for both steps
    snapshot, (key,) = snapshot_of_people(store, campaign, [person], identities=identities)
    p = find_person(snapshot, key)
    who = _logger(actor, snapshot, p.key, organizer)
    try:
        update = Update(person=person_ref(p), campaign=campaign, organizer=who,
                        date=date or clock.today(), **fields)
    except ValidationError as exc:
        raise _invalid(exc, "update") from None
    [update] = kept_apart(store, [update], aliases=identities.aliases)
    return Logged(update, store.write([update]))


def kept_apart(store: Store, records: Sequence[Any],
               aliases: Callable[[str], Aliases] | None = None) -> list[Any]:
    """The records as they will be written (:class:`mapper.apart.KeptApart`): a 1-on-1 or an
    update whose id was derived (not given) and is already another organizer's record, or the
    same organizer's about another person, stored or earlier among ``records``, takes that id
    with her name's slug (or a mark of the contact) added: two organizers' 1-on-1s of one day
    with one person, or one organizer's with two people whose names slug alike (李明 and 王芳
    both slug to "x"), are two records, not one replacing the other. Sent again, it lands on
    the same record. Whose the ids are is read once for them all. An id given explicitly is
    kept as given: :func:`may_post` weighs what it would replace. ``aliases``: the
    campaign's aliases as already read (:meth:`mapper.identity.Identities.aliases`), else
    the store's."""
    apart = KeptApart(store.record_organizers, aliases or store.aliases)
    apart.prefetch(records)
    return [apart.place(r) for r in records]


def open_items(snapshot: Snapshot, today: dt.date) -> list[dict[str, Any]]:
    """Every open follow-up item of the campaign, however far off its date, with its organizer."""
    from mapper.analytics.follow_ups import follow_ups

    # Far enough ahead to hold every due date: an item not yet due may be closed early.
    horizon = (dt.date.max - today).days
    result = follow_ups(snapshot, today=today, horizon_days=horizon)
    return [{**item, "organizer": o["organizer"]}
            for o in result["organizers"] for item in o["items"]]


def close_item(store: Store, actor: ActorLike, campaign: str, person: str, item_id: str,
               today: dt.date, *, date: dt.date | None = None, organizer: str | None = None,
               update: str | None = None) -> Logged:
    """Write the update that closes exactly the follow-up item ``item_id`` (an ``id`` of
    ``mapper follow-ups --json``) of that person: thank-you sent, assignment done, commitment
    kept (``update`` may name the other closing one: ``assignment_not_done``,
    ``commitment_missed``). Refused when the item is not open or is another person's."""
    snapshot, (key,) = snapshot_of_people(store, campaign, [person])
    p = find_person(snapshot, key)
    kind = item_id.partition(":")[0]
    if kind not in CLOSING_UPDATE:
        raise NotFound(f"--done: an item id starts with one of {', '.join(CLOSING_UPDATE)}")
    closing = update or CLOSING_UPDATE[kind]
    if closing not in (CLOSING_UPDATE[kind], ALSO_CLOSES.get(kind)):
        raise ServiceError(f"update: a {kind} item is closed by {CLOSING_UPDATE[kind]}"
                           + (f" or {ALSO_CLOSES[kind]}" if kind in ALSO_CLOSES else ""))
    found = [i for i in open_items(snapshot, today) if i["id"] == item_id]
    if not found:
        closed = _closed_already(store, snapshot, campaign, p.key, item_id, closing)
        if closed is not None:  # sent again: that very update closed it (re-sending changes
            return Logged(closed, WriteResult(unchanged=1))  # nothing, and says so)
        # Not hers: someone else's open item (said so below), or none at all.
        found = [i for i in open_items(_with_person_of(store, campaign, item_id), today)
                 if i["id"] == item_id]
    if not found:
        raise NotFound("--done: no open follow-up item has this id (see `mapper follow-ups --json`)")
    item = next((i for i in found if i["person"] == p.key), None)
    if item is None:
        raise NotFound("--done: this item is another person's, not PERSON's")
    if actor.role == "organizer" and not is_own(actor, item["organizer"]):
        # Another organizer's item is hers to close (the dashboard shows it only to her).
        raise NotAllowed("--done: this item is another organizer's")
    who = _logger(actor, snapshot, p.key, organizer, fallback=item["organizer"])
    try:
        written = Update(person=person_ref(p), campaign=campaign, organizer=who, update=closing,
                         conversation=item["conversation"], date=date or today)
    except ValidationError as exc:
        raise _invalid(exc, "update") from None
    return Logged(written, store.write([written]))


def _closed_already(store: Store, snapshot: Snapshot, campaign: str, person_key: str,
                    item_id: str, closing: str) -> Update | None:
    """Her stored update of kind ``closing`` about the 1-on-1 of ``item_id``, the latest,
    if one is there (a closing sent again finds its item closed by it), else None."""
    conversation = item_id.partition(":")[2]
    mine = [u for u in snapshot.updates if u.person == person_key and u.update == closing
            and u.conversation == conversation]
    if not mine:
        return None
    latest = max(mine, key=lambda u: (u.date, u.id))
    found = store.get_records([f"update:{campaign}:{latest.id}"])
    return Update.model_validate(found[0].body) if found else None


def _with_person_of(store: Store, campaign: str, item_id: str) -> Snapshot:
    """A snapshot of the person the 1-on-1 of ``item_id`` was with (every item comes from a
    1-on-1 and is about its person; none when no 1-on-1 has that id): whether the item is
    open, and whose, without the campaign's snapshot (4.5 s at 100k people)."""
    from mapper.models import STORED, OneOnOne
    from mapper.projection import project
    from mapper.readmodel import people_of

    found = store.get_records([conversation_key(campaign, item_id.partition(":")[2])])
    people = sorted(people_of(project(OneOnOne.model_validate(found[0].body, context=STORED),
                                      store.aliases(campaign)))) if found else []
    return snapshot_of_people(store, campaign, keys=people)[0]


def _current(snapshot: Snapshot, person_key: str) -> str | None:
    assigned = snapshot.assignments.get(person_key)
    return snapshot.organizers.get(assigned.organizer) if assigned else None


def assign(store: Store, actor: ActorLike, campaign: str, people: Sequence[str], organizer: str,
           date: dt.date | None = None) -> Assigned:
    """Give contacts to an organizer (one assignment per person: this reassigns). Every name
    is checked first; one unknown or not allowed means nothing is written."""
    snapshot, keys = snapshot_of_people(store, campaign, people)
    name = _organizer_name(snapshot, organizer)
    return _assign(store, actor, snapshot, [find_person(snapshot, k, f"PERSON #{i + 1}")
                                            for i, k in enumerate(keys)], name, date)


def assign_people(store: Store, actor: ActorLike, campaign: str, keys: Sequence[str],
                  organizer: str, date: dt.date | None = None) -> Assigned:
    """:func:`assign` for person keys (as the analytics return them)."""
    snapshot, _ = snapshot_of_people(store, campaign, keys=keys)
    missing = [k for k in keys if k not in snapshot.people]
    if missing:
        raise NotFound(f"person: {len(missing)} key(s) not in campaign {campaign}")
    return _assign(store, actor, snapshot, [snapshot.people[k] for k in keys],
                   _organizer_name(snapshot, organizer), date)


#: Why a contact is not given to an organizer whose account does not work on her campaign
#: (:func:`mapper.roles.may_be_given`): she would never see her on her list.
NOT_HER_CAMPAIGN = ("that organizer's account does not work on this campaign: give the account "
                    "the campaign first (mapper users set-campaigns), or pick another organizer")


def _accounts(store: Store) -> list[Any]:
    from mapper.users import accounts_beside

    return accounts_beside(store)


#: Times an assignment is decided again when someone else's assignment of the same contacts
#: landed between its reading and its writing (then it is refused, nothing written).
_ASSIGN_ATTEMPTS = 3


def _assign(store: Store, actor: ActorLike, snapshot: Snapshot, people: list[Person],
            organizer: str | None, date: dt.date | None) -> Assigned:
    """Give ``people`` to ``organizer`` (None: unassign) if the actor may, decided from who
    holds each now and written only if no one's assignment of them landed since it was read
    (two organizers taking one free contact at once: the later is refused, not both told
    they took her and the first one's assignment replaced): decided again from what is
    stored then, a few times."""
    keys = list(dict.fromkeys(p.key for p in people))
    for _ in range(_ASSIGN_ATTEMPTS):
        done, records = _assignment(store, actor, snapshot,
                                    [find_person(snapshot, k) for k in keys], organizer, date)
        if not records:
            return done
        if not may_be_given(_accounts(store), organizer, snapshot.campaign):
            raise NotAllowed(f"--to: {NOT_HER_CAMPAIGN}")
        ids = [record_id(r) for r in records]
        seen = {r.id: r.hash for r in store.get_records(ids)}
        # The versions read after the decision: that they are the ones it was made from,
        # who holds each is read again (someone's write between the two would be missed).
        now, _ = snapshot_of_people(store, snapshot.campaign, keys=keys)
        if all(_current(now, k) == _current(snapshot, k) for k in keys):
            try:
                done.result = store.write(records, expect={i: seen.get(i) for i in ids})
                return done
            except Changed:
                now, _ = snapshot_of_people(store, snapshot.campaign, keys=keys)
        snapshot = now
    raise ServiceError("--to: these contacts' assignments keep changing as they are written "
                       "(someone else is assigning them); nothing was written, try again")


def _assignment(store: Store, actor: ActorLike, snapshot: Snapshot, people: list[Person],
                organizer: str | None, date: dt.date | None) -> tuple[Assigned, list]:
    """What giving ``people`` to ``organizer`` writes, decided from ``snapshot``: the result
    to report and the assignment records (none when nothing changes); NotAllowed when the
    actor may not."""
    day = date or clock.today()
    done = Assigned(organizer, day, new_organizer=organizer is not None
                    and normalize(organizer) not in _known_organizers(snapshot))
    records = []
    others = assigned_spellings(store, store.aliases(snapshot.campaign), snapshot.campaign,
                                [(p.key, person_ref(p)) for p in people])
    for p in people:
        current = _current(snapshot, p.key)
        if not may_assign(actor, organizer, current):
            raise NotAllowed("--to: your role may not give this contact to that organizer"
                             if organizer else "your role may not unassign this contact")
        same = (current is None if organizer is None
                else current is not None and normalize(current) == normalize(organizer))
        if same:
            done.skipped.append((p.key, p.name, current))
            continue
        try:
            records.extend(Assignment(person=n, organizer=organizer, date=day,
                                      campaign=snapshot.campaign)
                           for n in [person_ref(p), *others.get(p.key, ())])
        except ValidationError as exc:
            raise _invalid(exc, "assignment") from None
        done.people.append((p.key, p.name, current))
    return done, records


def person_ref(person: Person) -> str:
    """How a record (an update, an assignment) or a service names ``person`` so that it
    reaches her: her name, or, known by a custom id, her key's last part (``#...``, as
    ``mapper duplicates`` shows her): her name would key another person, made for it."""
    part = person.key.split(":", 2)[2]
    return part if part.startswith(ID_MARK) else person.name


def unassign(store: Store, actor: ActorLike, campaign: str, people: Sequence[str],
             date: dt.date | None = None) -> Assigned:
    """Take contacts back from whoever holds them (an assignment without an organizer);
    people assigned to no one are skipped."""
    snapshot, keys = snapshot_of_people(store, campaign, people)
    return _assign(store, actor, snapshot, [find_person(snapshot, k, f"PERSON #{i + 1}")
                                            for i, k in enumerate(keys)], None, date)


#: Where ``mapper assign --from`` takes its contacts, and the analytics function it reads.
SUGGESTIONS = ("ask-queue", "talk-next")


def suggested(store: Store, campaign: str, source: str, *, today: dt.date,
              unit: str | None = None, issue: str | None = None) -> list[tuple[str, str | None]]:
    """The people a list suggests, best first, as (person key, organizer assigned or None).

    ``ask-queue``: the people ready to be asked (``ready`` true), optionally only those in
    ``unit`` and whose top issue is ``issue``; ``talk-next``: the people not yet spoken with,
    optionally only those in ``unit`` (``issue`` is refused: they told us none yet).
    """
    from mapper.analytics.readiness import ask_queue
    from mapper.analytics.talk_next import talk_next

    if source not in SUGGESTIONS:
        raise ServiceError(f"--from: one of {', '.join(SUGGESTIONS)}")
    snapshot = store.snapshot(campaign)
    if source == "ask-queue":
        entries = [e for e in ask_queue(snapshot, today=today) if e["ready"]]
    else:
        if issue:
            raise ServiceError("--issue: only with --from ask-queue (people not yet spoken "
                               "with have named no issue)")
        entries = talk_next(snapshot, limit=None, leaders=0)["people"]
    if unit:
        entries = [e for e in entries if normalize(e.get("unit") or "") == normalize(unit)]
    if issue:
        wanted = normalize(issue)
        entries = [e for e in entries if e["top_issue"] and wanted in (
            normalize(e["top_issue"]["name"]), e["top_issue"]["key"].rsplit(":", 1)[-1])]
    return [(e["person"], _current(snapshot, e["person"])) for e in entries]


def assign_from(store: Store, actor: ActorLike, campaign: str, source: str, organizer: str, *,
                limit: int, today: dt.date, unit: str | None = None, issue: str | None = None,
                date: dt.date | None = None) -> Assigned:
    """Give an organizer the top ``limit`` people of a suggested list (:func:`suggested`) who
    are assigned to no one yet: a contact another organizer holds stays with her, and one
    already on this organizer's list is not counted again."""
    if limit < 1:
        raise ServiceError("--limit: at least 1")
    free = [k for k, held in suggested(store, campaign, source, today=today, unit=unit,
                                        issue=issue) if held is None][:limit]
    return assign_people(store, actor, campaign, free, organizer, date)



def delete_record(store: Store, actor: ActorLike, key: str, campaign: str | None = None) -> Deleted:
    """Delete one record with everything derived from it.

    ``key`` is a store key (``conversation:<campaign>:<id>``, ``update:...``, as
    ``mapper export`` and the follow-up items name them) or, with ``campaign``, a 1-on-1's or
    an update's own id; with ``campaign``, a key of another campaign's record is not found
    (``--campaign`` says where to act: a key does not take it elsewhere). Refused unless
    :func:`mapper.roles.may_delete` allows it; for a role that records nothing, before
    anything is read (whether a record of that key exists would tell who talked with whom,
    and when).
    """
    if not may_record(actor):
        raise NotAllowed("RECORD_ID: your role deletes no records")
    found = store.get_records([key])
    if not found and campaign:
        candidates = [conversation_key(campaign, key), f"update:{campaign}:{key}"]
        found = store.get_records(candidates)
    if campaign:
        found = [rec for rec in found if rec.campaign == campaign]
    # A record of a campaign she does not work on is, to her, no record.
    found = [rec for rec in found if sees_campaign(actor, rec.campaign)]
    if not found:
        raise NotFound("RECORD_ID: no record has this id"
                       + (f" in campaign {campaign}" if campaign
                          else " (a 1-on-1's own id needs --campaign)"))
    if len(found) > 1:
        raise ServiceError("RECORD_ID: a 1-on-1 and an update share this id; "
                           "give the full key (conversation:... or update:...)")
    rec = found[0]
    if not may_delete(actor, {**rec.body, "record_type": rec.kind}):
        raise NotAllowed("RECORD_ID: only an admin, or the organizer who made it, may delete it")
    return Deleted(rec.kind, rec.campaign, store.delete([rec.id]))


def person_timeline(store: Store, campaign: str, name: str | None = None, *,
                    key: str | None = None, snapshot: Snapshot | None = None
                    ) -> dict[str, Any] | None:
    """A person's records, newest first: 1-on-1s, updates and the contact assignment (full
    records: personal), with where each of unit, shift and role came from. None when the
    campaign knows no such person. She is named by ``key``, or by ``name`` as every command
    takes one (:func:`person_keys`: aliases followed, the one person of that name known by a
    custom id). ``snapshot``: one holding her, if the caller has it (the campaign's, or hers
    from :meth:`~mapper.stores.base.Store.person_snapshot`); else hers is read."""
    if key is None:
        key = person_keys(store, campaign, [name or ""])[0]
    if snapshot is None:  # (the campaign's while it is re-projected)
        snapshot = store.person_snapshot(campaign, key) or store.snapshot(campaign)
    person = snapshot.people.get(key)
    history = store.person_history(campaign, key)
    if person is None and not history:
        return None
    aliases = store.aliases(campaign)
    records: list[dict[str, Any]] = [
        {"record_type": "conversation", **r.model_dump(mode="json", exclude_none=True)}
        for r in history]
    # Hers alone, never the campaign's: the updates by her key, the assignments by the ids
    # they can have.
    records += [{"record_type": "update", **r.body} for r in store.person_updates(campaign, key)]
    records += [{"record_type": "assignment", **r.body}
                for r in store.get_records(sorted(assignment_ids(aliases, campaign, key)))
                if aliases.key("person", campaign, r.body["person"]) == key]
    order = ("conversation", "update", "assignment")
    records.sort(key=lambda r: (r.get("date") or "", order.index(r["record_type"]),
                                r.get("id") or ""))
    assigned = snapshot.assignments.get(key)
    return {
        "person": key,
        "name": person.name if person else history[-1].contact.name,
        "facts": {f: getattr(person, f) if person else None for f in ("unit", "shift", "role")},
        "sources": [{"fact": f, "source": s, "date": d} for f, s, d in
                    (person.sources if person else ())],
        "conflicts": list(person.conflicts) if person else [],
        "assigned_to": snapshot.organizers.get(assigned.organizer) if assigned else None,
        "records": records,
    }


def contact_details(store: Store, actor: ActorLike, campaign: str, person: str | None = None,
                    *, key: str | None = None, snapshot: Snapshot | None = None
                    ) -> dict[str, str] | None:
    """A contact's phone and email (from the newest 1-on-1 stating each) if the actor may see
    them (:func:`mapper.roles.sees_contact_details`), else None. ``person``, ``key`` and
    ``snapshot``: as for :func:`person_timeline`."""
    if key is None:
        key = person_keys(store, campaign, [person or ""])[0]
    snapshot = snapshot if snapshot is not None else store.snapshot(campaign)
    p = find_person(snapshot, key)
    if not sees_contact_details(actor, p.key, snapshot):
        return None
    found: dict[str, str] = {}
    # The roster's details first (issue #13); a 1-on-1 stating one is newer word on it.
    from mapper.privacy import roster_details

    found.update((k, v) for k, v in roster_details(store, campaign, p.key).items()
                 if k in ("phone", "email"))
    for record in store.person_history(campaign, p.key):
        for detail in ("phone", "email"):
            value = getattr(record.contact, detail)
            if value:
                found[detail] = value
    return found


# --- the 1-on-1 form: suggestions and drafts ------------------------------------------------

#: Suggestions the form offers per list, at most (a datalist of thousands helps no one).
MAX_SUGGESTIONS = 500


def form_suggestions(store: Store, campaign: str, actor: ActorLike) -> dict[str, list[str]]:
    """The campaign's own names the 1-on-1 form suggests, so spellings do not drift:
    ``issues``, ``decision_makers``, ``units``, ``organizers`` (names only — no one's words,
    no person's name), read from the store's nodes (a snapshot of the campaign took seconds at
    100k people, again after every write). Only for those who may record; others get empty
    lists."""
    if not may_record(actor):
        return {"issues": [], "decision_makers": [], "units": [], "organizers": []}

    def names(kind: str) -> list[str]:
        seen = {normalize(v): v for v in sorted(v for v in store.node_names(campaign, kind) if v)}
        return sorted(seen.values(), key=lambda v: (v.casefold(), v))[:MAX_SUGGESTIONS]

    return {"issues": names("Issue"), "decision_makers": names("DecisionMaker"),
            "units": names("Unit"), "organizers": names("Organizer")}


def _author(actor: ActorLike) -> str:
    if not may_record(actor):
        raise NotAllowed("your role may not keep drafts of 1-on-1s")
    author = getattr(actor, "username", None) or ""
    if not author:
        raise NotAllowed("a draft needs a signed-in author")
    return author


def _sees_draft(actor: ActorLike, draft: Any) -> bool:
    """A draft of a campaign the actor no longer works on is, to her, not there (kept: her
    campaigns widened again, it is back); one of no campaign yet is hers wherever she works."""
    return not draft.campaign or sees_campaign(actor, draft.campaign)


def save_draft(drafts: Any, actor: ActorLike, campaign: str, values: dict[str, Any],
               draft_id: str | None = None) -> Any:
    """Keep the form as the actor's own draft (:class:`mapper.drafts.Draft`); ``draft_id``
    (one of hers she sees) is replaced. Drafts are personal: only their author reads them."""
    from mapper.drafts import DraftError

    author = _author(actor)
    if campaign and not sees_campaign(actor, campaign):
        raise NotAllowed(f"campaign: {OUT_OF_SCOPE}")
    replaced = drafts.get(author, draft_id)
    if replaced is not None and not _sees_draft(actor, replaced):
        draft_id = None  # (a new draft: the hidden one is kept as it was)
    try:
        return drafts.save(author, campaign, values, draft_id)
    except DraftError as exc:
        message = str(exc)
        if message.startswith("draft: you keep"):
            # Her drafts of campaigns she no longer works on count, unseen: say so.
            hidden = sum(1 for d in drafts.list(author) if not _sees_draft(actor, d))
            if hidden:
                message += (f" ({hidden} of them are of campaigns you no longer work on: "
                            "they go when they expire, or come back if your campaigns are "
                            "widened)")
        raise ServiceError(message) from None


def list_drafts(drafts: Any, actor: ActorLike, campaign: str | None = None) -> list[Any]:
    """The actor's own drafts of the campaigns she works on, newest first (nobody sees
    another's)."""
    return [d for d in drafts.list(_author(actor), campaign) if _sees_draft(actor, d)]


def open_draft(drafts: Any, actor: ActorLike, draft_id: Any) -> Any:
    """The actor's own draft, or :class:`NotFound` (also for another's, or one of a campaign
    she does not work on: one answer for all)."""
    found = drafts.get(_author(actor), draft_id)
    if found is None or not _sees_draft(actor, found):
        raise NotFound("draft: you have no draft with this id")
    return found


def delete_draft(drafts: Any, actor: ActorLike, draft_id: Any) -> bool:
    """Delete the actor's own draft (after the real save, or by hand); whether one was there
    (one she does not see is not: it is kept)."""
    found = drafts.get(_author(actor), draft_id)
    if found is None or not _sees_draft(actor, found):
        return False
    return drafts.delete(_author(actor), draft_id)


# -- the JSON API's services: records posted, questions answered by role ---------------------

#: Below this many people a count is not shown to a role that sees no names: in a small unit
#: it would single someone out (as the dashboard's heat map and unit badges do).
VIEWER_MIN_COUNT = 3
#: The questions the API answers for every role (aggregates), by name.
QUESTIONS = ("overview", "structure", "clusters", "power")


#: Why a record of a campaign the user does not work on is refused (the same whether the store
#: holds that campaign or not).
OUT_OF_SCOPE = "not one of the campaigns you work on"


def may_post(actor: ActorLike, kind: str, body: dict[str, Any],
             stored: dict[str, Any] | None) -> bool:
    """Write a record of ``kind`` (``body`` as sent; ``stored``: the body it would replace).

    An admin writes anything. An organizer writes her own 1-on-1s and updates, never one
    someone else recorded, and assignments :func:`mapper.roles.may_assign` allows; a planner
    assignments only; a viewer nothing.
    """
    if actor.role == "admin":
        return True
    if kind in ("conversation", "update"):
        return (may_record(actor) and is_own(actor, body.get("organizer"))
                and (stored is None or is_own(actor, stored.get("organizer"))))
    if kind == "assignment":
        return may_assign(actor, body.get("organizer"),
                          stored.get("organizer") if stored else None)
    return False


def resolve_identities(store: Store, records: Sequence[Any], where: str = "request",
                       identities: Any = None) -> list[Any]:
    """The records as they will be stored, each 1-on-1's contact and roster row matched as an
    import matches them (:class:`mapper.identity.Identities`): a name-only one joins the one
    person of that name known by a custom id; where several could be meant it stays apart
    and ``identities.report`` says so (pass ``identities`` to read it)."""
    from mapper.identity import Identities

    identities = identities if identities is not None else Identities(store)
    identities.prefetch(records)  # the few stored people they could be, not the campaign
    return [identities.resolve(r, where, f"record {i}") for i, r in enumerate(records, 1)]


def post_records(store: Store, actor: ActorLike, records: Sequence[Any], *,
                 identities: Any = None) -> WriteResult:
    """Write validated records (each one checked with :func:`may_post` first; one refused
    means nothing is written). Re-sending a record changes nothing. People are matched as an
    import matches them (:func:`resolve_identities`; ``identities`` collects the report)."""
    from mapper.identity import Identities

    if not sees_people(actor):
        # A viewer writes nothing: refused before a record is read, for why a record is
        # refused ("another organizer's") would tell her who talked with whom, and when.
        raise NotAllowed("your role may not write records")
    for i, rec in enumerate(records, 1):
        # Before anything of it is read; one answer whether that campaign exists or not.
        if not sees_campaign(actor, rec.campaign):
            raise NotAllowed(f"record {i}: campaign: {OUT_OF_SCOPE}")
    identities = identities if identities is not None else Identities(store)
    records = kept_apart(store, resolve_identities(store, records, identities=identities),
                         aliases=identities.aliases)
    # An assignment rewrites her every spelling's (mapper.respelling); it is checked, as
    # the dashboard's (_assign), against whom she is with now, not against each spelling's
    # record (an older one under another spelling is not whom she is with). Both key her by
    # the aliases the identities read, rather than read them twice more.
    also = respelled(store, records, identities.aliases)
    for i, why in enumerate(_refusals(store, actor, records, identities.aliases), 1):
        if why is not None:
            raise NotAllowed(f"record {i}: {why}")
    _alias_chains(records, identities.aliases)
    # (After the records: within one write the last copy of an id wins.)
    return store.write([*records, *also])


def _alias_chains(records: Sequence[Any], aliases_of: Callable[[str], Aliases]) -> None:
    """Refuse an alias record as `mapper alias` and an import do (:meth:`Aliases.refusal`),
    against the campaign's aliases and the records before it (two can swap two people)."""
    from mapper.models import AliasRow

    taken: dict[str, Aliases] = {}
    for i, rec in enumerate(records, 1):
        if isinstance(rec, AliasRow):
            known = taken.get(rec.campaign)
            if known is None:
                known = taken[rec.campaign] = aliases_of(rec.campaign).extended([])
            refused = known.refusal(rec)
            if refused is not None:
                raise ServiceError(f"record {i}: {refused[0]}: {refused[1]}")
            known.add(rec)


def _refusals(store: Store, actor: ActorLike, records: Sequence[Any],
              aliases_of: Callable[[str], Aliases] | None = None) -> list[str | None]:
    """Why ``actor`` may not write each record (:func:`may_post`, against what it would
    replace: :func:`_replaced`; ``aliases_of`` as there), None where she may."""
    from mapper.projection import record_kind

    out: list[str | None] = []
    owes = _item_holders(store, records, aliases_of) if actor.role == "organizer" else {}
    given = [rec for rec in records if isinstance(rec, Assignment) and rec.organizer]
    accounts = _accounts(store) if given else []
    for i, (rec, held) in enumerate(zip(records, _replaced(store, records, aliases_of)), 1):
        kind = record_kind(rec)
        body = rec.model_dump(mode="json", exclude_none=True)
        if owes.get(i) and not is_own(actor, owes[i]):
            # As close_item refuses it: the items of a contact another organizer last spoke
            # with are hers to close.
            out.append("your role may not close another organizer's follow-up item")
            continue
        if not may_post(actor, kind, body, held):
            out.append(f"your role may not write this {kind} record"
                       + (" (another organizer's)" if held else ""))
        elif kind == "assignment" and not may_be_given(accounts, rec.organizer, rec.campaign):
            out.append(NOT_HER_CAMPAIGN)
        else:
            out.append(None)
    return out


#: The updates that close a follow-up item (:func:`close_item`'s).
_CLOSING = frozenset(CLOSING_UPDATE.values()) | frozenset(ALSO_CLOSES.values())


def _item_holders(store: Store, records: Sequence[Any],
                  aliases_of: Callable[[str], Aliases] | None = None) -> dict[int, str | None]:
    """``{place from 1: organizer or None}``: for each update that closes a follow-up item,
    whose the person's items are (who last spoke with her, as :func:`open_items` lists them)."""
    from mapper.analytics._common import latest_conversation

    closing = [(i, r) for i, r in enumerate(records, 1)
               if isinstance(r, Update) and r.update in _CLOSING]
    out: dict[int, str | None] = {}
    for campaign in {r.campaign for _, r in closing}:
        aliases = (aliases_of or store.aliases)(campaign)
        keys = {i: aliases.key("person", campaign, r.person) for i, r in closing
                if r.campaign == campaign}
        snapshot, _ = snapshot_of_people(store, campaign, keys=sorted(set(keys.values())))
        latest = latest_conversation(snapshot)
        out.update((i, latest[k].organizer if k in latest else None) for i, k in keys.items())
    return out


def _replaced(store: Store, records: Sequence[Any],
              aliases_of: Callable[[str], Aliases] | None = None) -> list[dict[str, Any] | None]:
    """What each record would replace, as :func:`may_post` weighs it: the stored record of
    its id; for a contact assignment, whom she is with now (``{"organizer": ...}``), read
    for them all at once (``aliases_of``: as :func:`_holders`)."""
    holders = _holders(store, records, aliases_of)
    ids = [record_id(r) for r in records if not isinstance(r, Assignment)]
    stored = {r.id: r.body for r in store.get_records(ids)} if ids else {}
    return [({"organizer": holders[i]} if holders[i] else None) if isinstance(r, Assignment)
            else stored.get(record_id(r)) for i, r in enumerate(records, 1)]


def _holders(store: Store, records: Sequence[Any],
             aliases_of: Callable[[str], Aliases] | None = None) -> dict[int, str | None]:
    """``{place from 1: organizer or None}``: whom each assignment's person is with now.
    ``aliases_of(campaign)``: its aliases, as the caller read them (else read here)."""
    out: dict[int, str | None] = {}
    for campaign in {r.campaign for r in records if isinstance(r, Assignment)}:
        aliases = (aliases_of or store.aliases)(campaign)
        keys = {i: aliases.key("person", campaign, r.person) for i, r in enumerate(records, 1)
                if isinstance(r, Assignment) and r.campaign == campaign}
        snapshot, _ = snapshot_of_people(store, campaign, keys=sorted(set(keys.values())))
        out.update((i, _current(snapshot, k)) for i, k in keys.items())
    return out


def record_person_key(store: Store, record: Any) -> str:
    """The key of the person a 1-on-1 is with, as the projection keys her (by her custom id
    when the record gives one): :func:`mapper.apart.contact_key` with the store's aliases."""
    from mapper.apart import contact_key

    return contact_key(record, store.aliases(record.campaign))


def _blank_small(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**u, "people": u["people"] if u["people"] >= VIEWER_MIN_COUNT
             else f"<{VIEWER_MIN_COUNT}"} for u in units]


def question_for(actor: ActorLike, name: str, result: dict[str, Any]) -> dict[str, Any]:
    """An aggregate answer as ``actor`` may see it: for a role that sees no names, a
    trusted path is only its length, and a unit's count under :data:`VIEWER_MIN_COUNT` is
    shown as ``"<3"`` (the dashboard's rules for the same views)."""
    from mapper.roles import sees_people

    if sees_people(actor):
        return result
    if name == "power":
        return {**result, "decision_makers": [
            {**d, "trust_path": ({"length": d["trust_path"]["length"]} if d["trust_path"]
                                 else None)} for d in result["decision_makers"]]}
    if name == "clusters":
        return {**result,
                "clusters": [{**c, "units": _blank_small(c["units"])} for c in result["clusters"]],
                "bridging": [{**b, "units": _blank_small(b["units"])} for b in result["bridging"]]}
    return result


# -- users, managed by admins (the admin page and `mapper users` call these) ------------------

#: What an admin may do to a user, and the audit action each leaves.
USER_CHANGES = {"add": "user_added", "set_role": "user_role_set",
                "set_campaigns": "user_campaigns_set",
                "reset_password": "user_password_reset", "disable": "user_disabled",
                "enable": "user_enabled"}


def may_manage_users(actor: ActorLike) -> bool:
    """Add users, set roles and passwords, deactivate: admins only."""
    return actor.role == "admin"


def change_user(users: Any, sessions: Any, audit: Any, actor: ActorLike, actor_name: str,
                change: str, username: str, *, tokens: Any, role: str | None = None,
                organizer: str | None = None, password: str | None = None,
                campaigns: Sequence[str] = ()) -> Any:
    """One change to a user, audited; a new password or a deactivation ends every session of
    that user at once (in every server process on the store), and a deactivation revokes
    every API token of hers: enabled again, she makes new ones (a token is often kept on a
    phone, and a deactivation is how a lost one or a departure is met). Enabling her revokes
    any a deactivation left live too (one made before deactivations revoked them, or made
    while one ran), before she is active again. ``campaigns`` (``add``, ``set_campaigns``):
    the only ones she works on, none for every campaign; a change is met at her next
    request. Returns the user's row.

    Raises :class:`NotAllowed` for a role that may not, :class:`ServiceError` naming the
    field for a bad value (never the password).
    """
    from mapper.users import UserError

    if not may_manage_users(actor):
        raise NotAllowed("users: only an admin manages users")
    if change not in USER_CHANGES:
        raise ServiceError(f"change: one of {', '.join(USER_CHANGES)}")
    if change in ("disable", "set_role") and username == actor_name and (
            change == "disable" or role != "admin"):
        raise ServiceError("username: an admin does not lock herself out (ask another admin)")

    def revoke_all() -> int:
        live = [t.id for t in tokens.list(username) if t.revoked is None]
        return sum(tokens.revoke(token_id) for token_id in live)

    was = users.get(username) if change == "enable" else None
    revoked = revoke_all() if was is not None and not was.active else 0
    try:
        if change == "add":
            row = users.add(username, role or "", password, organizer=organizer,
                            campaigns=campaigns)
        elif change == "set_role":
            row = users.set_role(username, role or "", organizer)
        elif change == "set_campaigns":
            row = users.set_campaigns(username, campaigns)
        elif change == "reset_password":
            row = users.reset_password(username, password or "")
        else:
            row = users.set_active(username, change == "enable")
    except UserError as exc:
        raise ServiceError(str(exc)) from None
    if change in ("reset_password", "disable"):
        sessions.end_all(row.username)
    detail: dict[str, Any] = {"role": row.role} if change in ("add", "set_role") else {}
    if change in ("add", "set_campaigns"):
        detail["campaigns"] = list(row.campaigns) or "all"
    if change == "disable":
        detail["tokens_revoked"] = revoke_all()
    elif revoked:
        detail["tokens_revoked"] = revoked
    audit.append(actor_name, USER_CHANGES[change], row.username, **detail)
    return row


# -- forgetting a person -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Forgotten:
    """What forgetting a person did: records deleted (about them), records rewritten (that
    mentioned them), and the audit's earlier list exports, which may hold them, to chase."""

    deleted: int
    rewritten: int
    exports: list[int]
    drafts: int = 0  # server drafts of a 1-on-1 with them, any author's


def _person_named(store: Store, snapshot: Snapshot, name: str) -> str:
    """The key of the one person a name means: by her name's key, else the one person known
    by a custom id under that name; none or several is :class:`NotFound` (naming no one)."""
    key = store.person_key(snapshot.campaign, name)
    wanted = normalize(name)
    found = [k for k, p in snapshot.people.items() if normalize(p.name or "") == wanted]
    # Her name's key, unless another of that name is known by a custom id (a person a record
    # by her name alone made beside her, before such records reached her): an erasure of the
    # wrong one would leave hers, so neither is taken on a name.
    if key in snapshot.people and set(found) <= {key}:
        return key
    if len(found) == 1:
        return found[0]
    if found:
        raise NotFound(f"PERSON: {len(found)} people of campaign {snapshot.campaign} share this "
                       "name; name her by her person key (the person page's forget link gives it)")
    raise NotFound(f"PERSON: no one by that name in campaign {snapshot.campaign} "
                   "(see `mapper search`)")


def may_forget(actor: ActorLike) -> bool:
    """Erase a person from the store: admins only."""
    return actor.role == "admin"


def forget_person(store: Store, actor: ActorLike, campaign: str, person: str, *,
                  audit: Any = None, actor_name: str = "cli", drafts: Any = None) -> Forgotten:
    """Erase a person who asks for it: every record about them (their 1-on-1s, updates,
    assignment, roster row, ties, person aliases) and every mention in other records (a
    referral in someone else's 1-on-1 is dropped from it). The read model follows the records.

    ``person`` is a name or a person key. With ``audit``, the person's opaque id and those of
    the deleted records stop leading anywhere, and one ``person_forgotten`` entry keeps that an
    erasure happened — counts and the sequence numbers of earlier list exports, no name.

    Server drafts of a 1-on-1 with them go too, whoever's (``drafts``: the draft store;
    by default the one beside ``store``, :func:`mapper.drafts.drafts_for`).
    """
    from mapper.models import OneOnOne

    if not may_forget(actor):
        raise NotAllowed("only an admin may forget a person")
    from mapper.projection import identity_key

    snapshot = store.snapshot(campaign)
    key = person if person in snapshot.people else _person_named(store, snapshot, person)
    aliases = store.aliases(campaign)

    def is_them(name: Any, custom_id: Any = None) -> bool:
        # The key the projection gives the record's person: her custom id's when it has one.
        if isinstance(custom_id, str) and custom_id.strip():
            return identity_key(campaign, custom_id) == key
        return isinstance(name, str) and bool(name) and aliases.key("person", campaign, name) == key

    doomed: list[str] = []
    rewritten: list[Any] = []
    for rec in store.iter_records(campaign):
        b = rec.body
        if rec.kind == "conversation":
            contact = b.get("contact") or {}
            if is_them(contact.get("name"), contact.get("custom_id")):
                doomed.append(rec.id)
                continue
            referrals = b.get("referrals") or []
            kept = [r for r in referrals if not is_them(r.get("name"))]
            if len(kept) != len(referrals):
                rewritten.append(OneOnOne.model_validate({**b, "referrals": kept}))
        elif rec.kind in ("update", "assignment"):
            if is_them(b.get("person")):
                doomed.append(rec.id)
        elif rec.kind == "roster":
            if is_them(b.get("name"), b.get("custom_id")):
                doomed.append(rec.id)
        elif rec.kind == "tie":
            if is_them(b.get("person")) or is_them(b.get("other")):
                doomed.append(rec.id)
        elif rec.kind == "alias" and b.get("kind") == "person":
            if is_them(b.get("alias")) or is_them(b.get("canonical")):
                doomed.append(rec.id)
    if not doomed and not rewritten:
        # Reporting an erasure that erased nothing would tell an admin a person is gone.
        raise NotFound("PERSON: no record of this person was found to erase; nothing was done")
    exports: list[int] = []
    target = None
    if audit is not None:
        exports = [e.seq for e in audit.entries(action="list_exported", limit=500)]
        target = audit.opaque(key)
    # One transaction: a failure leaves her records and the mentions of her as they were.
    _, deleted = store.replace_and_delete(rewritten, doomed)
    drafts_deleted = _forget_drafts(store, drafts, campaign, is_them)
    if audit is not None:
        for rid in [key, *doomed]:
            audit.drop_opaque(rid)
        audit.append(actor_name, "person_forgotten", target, records_deleted=deleted,
                     records_rewritten=len(rewritten), drafts_deleted=drafts_deleted,
                     exports_before=exports)
    # Her drafts and her audit id went after her records, through connections of their own:
    # the store's file and log are emptied of them too, not only of her records.
    store.erase_deleted()
    return Forgotten(deleted, len(rewritten), exports, drafts_deleted)


def _forget_drafts(store: Store, drafts: Any, campaign: str, is_them: Any) -> int:
    """Delete the drafts (any author's) of a 1-on-1 whose contact is the forgotten person;
    drop the referrals naming her from the others."""
    from mapper.drafts import drafts_for

    own = drafts is None
    drafts = drafts_for(store) if own else drafts
    try:
        return drafts.forget(campaign, lambda values: is_them(values.get("contact.name"),
                                                             values.get("contact.custom_id")),
                             named=is_them)
    finally:
        if own:
            drafts.close()


# -- API tokens ---------------------------------------------------------------------------------

def may_manage_tokens(actor: ActorLike, actor_name: str, username: str) -> bool:
    """Make or revoke a user's API tokens: an admin anyone's, a user her own."""
    return actor.role == "admin" or actor_name == username


def create_token(tokens: Any, users: Any, audit: Any, actor: ActorLike, actor_name: str,
                 username: str, label: str = "", scopes: Any = None) -> Any:
    """A new token for an active user (returned once: :class:`mapper.tokens.NewToken`),
    which may do only ``scopes`` (``read``, ``write``; none said: both)."""
    from mapper.tokens import scopes_of

    if not may_manage_tokens(actor, actor_name, username):
        raise NotAllowed("username: only an admin makes tokens for someone else")
    row = users.get(username)
    if row is None or not row.active:
        raise NotFound("username: no active user has this name")
    try:
        scopes = scopes_of(scopes)
    except ValueError as exc:
        raise ServiceError(str(exc)) from None
    made = tokens.create(username, label, scopes)
    audit.append(actor_name, "token_created", made.id, user=username, scopes=list(scopes))
    return made


def revoke_token(tokens: Any, audit: Any, actor: ActorLike, actor_name: str,
                 token_id: str) -> None:
    """Revoke a live token by its id; it is refused from the next request on."""
    row = tokens.get(token_id)
    if row is None or row.revoked is not None:
        raise NotFound("token: no live token has this id")
    if not may_manage_tokens(actor, actor_name, row.username):
        raise NotAllowed("token: only an admin revokes someone else's token")
    tokens.revoke(token_id)
    audit.append(actor_name, "token_revoked", row.id, user=row.username)


# -- bringing lists in (the dashboard's upload; the CLI's `mapper import` reads the same way) --

#: Rows of an uploaded file shown as they will be stored.
PREVIEW_ROWS = 5


@dataclass(slots=True)
class UploadCheck:
    """What a dry run (or an import) of one uploaded file found: counts, and errors naming the
    row and the field or column only (:class:`mapper.readers.RecordError` holds no value)."""

    valid: int = 0
    rejected: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    error_count: int = 0
    people: dict[str, int] = field(default_factory=dict)
    written: dict[str, int] | None = None
    hierarchy: int = 0


def _campaign_rule(store: Store, actor: ActorLike, campaign: str | None
                   ) -> tuple[str | None, str | None]:
    """(campaign, require_campaign) as `mapper import` decides them: the one named, else the
    store's only campaign (of those ``actor`` works on), else each row must name its own
    (never a silent "default")."""
    if campaign:
        return campaign, None
    held = campaigns_for(actor, store.campaigns())
    if len(held) == 1:
        return held[0], None
    return None, (f"several campaigns ({', '.join(held)})" if held else "no campaign yet")


def _upload_errors(report: Any, path: Any, shown_as: str) -> list[dict[str, str]]:
    out = []
    for e in report.errors:
        where = str(e.where).replace(str(path), shown_as)
        out.append({"where": where, "record": e.record, "field": e.field, "message": e.message})
    return out


def check_upload(store: Store, actor: ActorLike, path: Any, mapping: Any, *,
                 campaign: str | None, shown_as: str, sheet: str | None = None,
                 phone_region: str | None = None, keep: bool = False) -> tuple[UploadCheck, Any]:
    """Dry-run an uploaded file through the importer (:func:`mapper.importer.check_files`, as
    ``mapper import`` does): nothing is written. Returns the check and the importer's report."""
    from mapper.importer import ImportOptions, check_files
    from mapper.roles import may_import_lists

    if not may_import_lists(actor):
        raise NotAllowed("bringing lists in is for admins and organizers")
    campaign, require = _campaign_rule(store, actor, campaign)
    options = ImportOptions(mapping=mapping, sheet=sheet, require_campaign=require,
                            phone_region=phone_region or getattr(mapping, "phone_region", None),
                            store=store, allowed=_upload_rule(store, actor),
                            outside=lambda c: None if sees_campaign(actor, c) else OUT_OF_SCOPE)
    report = check_files([path], campaign=campaign, keep=keep, options=options)
    check = UploadCheck(valid=report.valid, rejected=len(report.rejected),
                        errors=_upload_errors(report, path, shown_as),
                        error_count=report.error_count, people=report.identity.as_json(),
                        hierarchy=len(report.derived))
    return check, (report, options, campaign)


def _upload_rule(store: Store, actor: ActorLike) -> Any:
    """What an upload of ``actor``'s may write, a chunk of records at a time (an admin
    anything): lists (roster rows, ties, hierarchy; aliases of issues and decision makers)
    as :func:`mapper.roles.may_import_lists` allows; 1-on-1s, updates and contact assignments
    as the API's :func:`post_records` checks them (her own 1-on-1s, never one someone else
    recorded; an assignment against whom the contact is with now), read for the chunk at
    once. Never an alias of a person, which the API refuses her too: it joins two people,
    and with them whom each is with (a file's alias row, then an assignment of the alias to
    her, took another organizer's contact). A file's ``record_type`` column can make a row
    any kind."""
    from mapper.models import AliasRow
    from mapper.projection import record_kind

    if actor.role == "admin":
        return giving_rule(store)
    ruled = ("conversation", "update", "assignment")

    def refused(records: list[Any]) -> list[tuple[str, str] | None]:
        # (A row of a campaign she does not work on never comes here: refused as it is read,
        # ImportOptions.outside, before her people are matched.)
        kinds = [record_kind(r) for r in records]
        whys = iter(_refusals(store, actor, [r for r, k in zip(records, kinds) if k in ruled]))
        out: list[tuple[str, str] | None] = []
        for record, kind in zip(records, kinds):
            if isinstance(record, AliasRow) and record.kind == "person":
                out.append(("kind", "your role may not join two people (an admin merges "
                                    "spellings: mapper alias)"))
            elif kind not in ruled:
                out.append(None)
            else:
                why = next(whys)
                out.append(None if why is None else ("organizer", why))
        return out
    return refused


def giving_rule(store: Store) -> Any:
    """What an import may write whoever imports (an admin's upload, ``mapper import``): no
    contact given to an organizer none of whose accounts works on the contact's campaign
    (:func:`mapper.roles.may_be_given`), as ``mapper assign --to`` and the API refuse it. The
    accounts are read once, at the first chunk giving someone a contact: an import is one
    act, and its rows are asked again one by one as they are written."""
    accounts: list[Any] | None = None

    def refused(records: list[Any]) -> list[tuple[str, str] | None]:
        nonlocal accounts
        out: list[tuple[str, str] | None] = []
        for record in records:
            if isinstance(record, Assignment) and record.organizer:
                accounts = _accounts(store) if accounts is None else accounts
                if not may_be_given(accounts, record.organizer, record.campaign):
                    out.append(("organizer", NOT_HER_CAMPAIGN))
                    continue
            out.append(None)
        return out
    return refused


def import_upload(store: Store, actor: ActorLike, path: Any, mapping: Any, *,
                  campaign: str | None, shown_as: str, sheet: str | None = None,
                  phone_region: str | None = None,
                  progress: Any = None, checked: Any = None) -> UploadCheck:
    """Import an uploaded file as ``mapper import FILE --mapping MAP --campaign C`` does: the
    whole file is checked first and nothing is written if a row is bad; else every record goes
    through the store's normal write (``progress(n)`` is told as records are written)."""
    from mapper.importer import write_checked

    check, (report, options, campaign) = check_upload(
        store, actor, path, mapping, campaign=campaign, shown_as=shown_as, sheet=sheet,
        phone_region=phone_region, keep=True)
    if checked is not None:
        checked(check)
    if report.errors:
        return check
    report = write_checked(store, [path], report, campaign=campaign, progress=progress,
                           options=options)
    check.errors = _upload_errors(report, path, shown_as)
    if report.result is not None:
        r = report.result
        check.written = {"added": r.added, "replaced": r.replaced, "unchanged": r.unchanged}
    return check


def preview_upload(actor: ActorLike, path: Any, mapping: Any, *, campaign: str | None,
                   sheet: str | None = None, phone_region: str | None = None,
                   rows: int = PREVIEW_ROWS) -> list[dict[str, Any]]:
    """The first rows of a roster file as they will be stored: mapped, then validated and
    normalized as the importer does (a row that fails shows its fields' errors instead)."""
    from mapper.readers import ReadOptions, read_file, validate
    from mapper.roles import may_import_lists

    if not may_import_lists(actor):
        raise NotAllowed("bringing lists in is for admins and organizers")
    context = {"phone_region": phone_region} if phone_region else None
    out: list[dict[str, Any]] = []
    for raw in read_file(path, "roster", ReadOptions(mapping=mapping, sheet=sheet)):
        # With no campaign yet (an empty store) the rows are shown as they would be under one.
        record, errors = validate(raw, campaign or "preview", context=context)
        if errors or record is None:
            out.append({"row": raw.number, "errors": [e.field for e in errors]})
        else:
            values = record.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
            if not campaign and not (isinstance(raw.data, dict) and raw.data.get("campaign")):
                values.pop("campaign", None)
            out.append({"row": raw.number, "values": values})
        if len(out) >= rows:
            break
    return out


def suggest_upload(actor: ActorLike, path: Any, *, sheet: str | None = None
                   ) -> tuple[list[str], Any]:
    """An uploaded spreadsheet's headers and the mapping proposed for them (as ``mapper
    mapping suggest``); :class:`mapper.sheets.SheetError` when it cannot be read."""
    from mapper.mapping import suggest
    from mapper.roles import may_import_lists
    from mapper.sheets import read_table

    if not may_import_lists(actor):
        raise NotAllowed("bringing lists in is for admins and organizers")
    table = read_table(path, sheet=sheet)
    headers = [h.strip() if isinstance(h, str) else "" for h in table.headers]
    return headers, suggest(headers)
