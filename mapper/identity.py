"""Who a roster row or a 1-on-1's contact is: matched on custom id, then name; never merged
on a guess.

- A row with a custom id (employee number, member id) is the person of that id, whatever the
  spelling of her name (a new spelling is reported); two ids are two people.
- A row without one joins the one person of that name (taking her id, so the stored record
  says whom it means); where several people share the name it is reported as ambiguous and
  kept apart.
- A row that is a new name but shares an email or phone with someone already known is
  reported as a look-alike, for a person to merge with ``mapper alias``.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from mapper.projection import _normalize as normalize  # cached: names repeat per row
from mapper.models import Assignment, OneOnOne, Record, RosterRow, TieRow, Update
from mapper.projection import ID_MARK, Aliases, identity_key

__all__ = ["Identities", "IdentityReport", "Notice", "lookup_keys", "contact_lookup"]


@dataclass(frozen=True, slots=True)
class Notice:
    """Something a person should look at: where (file:line, row) and what; never a name."""

    where: str
    record: str
    what: str  # "look-alike" | "ambiguous" | "new spelling"
    detail: str

    def __str__(self) -> str:
        return f"{self.where} ({self.record}): {self.what}: {self.detail}"


@dataclass(slots=True)
class IdentityReport:
    new: int = 0
    matched: int = 0
    lookalike: int = 0
    ambiguous: int = 0
    respelled: int = 0
    notices: list[Notice] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"new": self.new, "matched": self.matched, "look_alike": self.lookalike,
                "ambiguous": self.ambiguous, "new_spelling": self.respelled}


_DIGITS = re.compile(r"\D+")


def phone_key(phone: str | None) -> str | None:
    """The part of a phone number that matches across ways of writing it (its last 10 digits).

    >>> phone_key("+1 (555) 201-3344"), phone_key("555.201.3344"), phone_key("12")
    ('5552013344', '5552013344', None)
    """
    digits = _DIGITS.sub("", phone or "")
    return digits[-10:] if len(digits) >= 7 else None


def email_key(email: str | None) -> str | None:
    return email.strip().casefold() if email and "@" in email else None


def contact_lookup(campaign: str, contact: str) -> str:
    """How a store keeps an email or phone key to look it up by: opaque (a digest), so the
    lookup column is not another copy of anyone's contact details.

    >>> contact_lookup("c1", "5552013344") == contact_lookup("c2", "5552013344")
    False
    """
    return hashlib.sha256(f"contact\0{campaign}\0{contact}".encode()).hexdigest()[:24]


LookupKeys = tuple[str | None, str | None, str | None, str | None]
_NO_KEYS: LookupKeys = (None, None, None, None)


def lookup_keys(kind: str, campaign: str, body: dict[str, Any]) -> LookupKeys:
    """What a stored roster row or 1-on-1 can be found by when a new record names a person:
    her normalized name, her custom id's key, and digests of her email and phone keys (see
    :class:`Identities`); nothing for other records. A store keeps them beside the record,
    indexed, so matching a few new records reads the few stored ones they could mean.

    >>> lookup_keys("roster", "c", {"name": "Ana  López", "phone": "555-201-3344"})[:2]
    ('ana lópez', None)
    >>> lookup_keys("tie", "c", {"person": "Ana", "other": "Ben"})
    (None, None, None, None)
    """
    if kind == "conversation":
        body = body.get("contact", body)
    elif kind != "roster":
        return _NO_KEYS
    name = body.get("name") if isinstance(body, dict) else None
    if not name:
        return _NO_KEYS
    custom_id, email, phone = body.get("custom_id"), email_key(body.get("email")), \
        phone_key(body.get("phone"))
    return (normalize(name), identity_key(campaign, custom_id) if custom_id else None,
            contact_lookup(campaign, email) if email else None,
            contact_lookup(campaign, phone) if phone else None)


def _person_fields(record: Record) -> tuple[str, str | None, str | None, str | None] | None:
    if isinstance(record, RosterRow):
        return record.name, record.custom_id, record.email, record.phone
    if isinstance(record, OneOnOne):
        c = record.contact
        return c.name, c.custom_id, c.email, c.phone
    return None


#: The fields naming people (by name alone) of the records that bring no one in.
_NAMING = {Assignment: ("person",), TieRow: ("person", "other"), Update: ("person",)}


class _Campaign:
    """What one campaign's store already knows about its people (ids, names, contacts)."""

    def __init__(self, campaign: str, aliases: Aliases) -> None:
        self.campaign, self.aliases = campaign, aliases
        self.name_of: dict[str, str] = {}            # person key -> normalized name
        self.id_of: dict[str, str] = {}              # person key -> custom id
        self.ids_by_name: dict[str, set[str]] = defaultdict(set)  # name -> keys with an id
        self.by_contact: dict[str, str] = {}         # email/phone key -> person key

    def key(self, name: str, custom_id: str | None) -> str:
        if custom_id:
            return identity_key(self.campaign, custom_id)
        return self.aliases.key("person", self.campaign, name)

    def add(self, name: str, custom_id: str | None, email: str | None, phone: str | None) -> str:
        key = self.key(name, custom_id)
        self.known(key, normalize(name), custom_id, email, phone)
        return key

    def known(self, key: str, norm: str, custom_id: str | None, email: str | None,
              phone: str | None) -> None:
        """:meth:`add` with the person's key and normalized name already worked out."""
        self.name_of.setdefault(key, norm)
        if custom_id:
            self.id_of[key] = custom_id
            self.ids_by_name[norm].add(key)
        if email:
            contact = email_key(email)
            if contact:
                self.by_contact.setdefault(contact, key)
        if phone:
            contact = phone_key(phone)
            if contact:
                self.by_contact.setdefault(contact, key)


class Identities:
    """Resolves each incoming record against the store, and against the rows before it."""

    def __init__(self, store: Any | None = None) -> None:
        self.store = store
        self.report = IdentityReport()
        self._campaigns: dict[str, _Campaign] = {}
        self._aliases: dict[str, Aliases] = {}

    def aliases(self, campaign: str) -> Aliases:
        """The campaign's aliases as the store holds them, read once for this batch: what
        resolving keys names by, and what a caller keying the same records keys them by too,
        rather than read again. Shared: not to be added to (:meth:`Aliases.extended`)."""
        found = self._aliases.get(campaign)
        if found is None:
            found = self._aliases[campaign] = (self.store.aliases(campaign)
                                               if self.store is not None else Aliases())
        return found

    def _campaign(self, campaign: str) -> _Campaign:
        """What the store knows of the campaign's people: all of it, unless :meth:`prefetch`
        read what the records to come could match."""
        known = self._campaigns.get(campaign)
        if known is None:
            known = self._campaigns[campaign] = _Campaign(campaign, self.aliases(campaign))
            if self.store is not None:
                for kind in ("roster", "conversation"):
                    _learn(known, self.store.iter_records(campaign, kind))
        return known

    def prefetch(self, records: Iterable[Record]) -> None:
        """Read from the store only the people ``records`` could be (by name, alias, custom
        id, email or phone), through its lookup index, so resolving a few records costs a
        few lookups, not the whole campaign (2-5 s at 100k people). :meth:`resolve` then
        decides exactly as with everything read: for each key it consults, the stored
        records holding that key arrive in the same order.

        For the few records of a form or an API call, or of a small import
        (:data:`mapper.importer.PREFETCH_BYTES`); a bigger import reads the campaign once
        instead. Where the store has no index (or a re-projection is under
        way) nothing is read here and :meth:`_campaign` reads it all.
        """
        if self.store is None:
            return
        wanted: dict[str, list[tuple[str, str | None, str | None, str | None]]] = defaultdict(list)
        for record in records:
            if record.campaign in self._campaigns:
                continue
            fields = _person_fields(record)
            if fields is not None:
                wanted[record.campaign].append(fields)
            for name in _NAMING.get(type(record), ()):
                wanted[record.campaign].append((getattr(record, name), None, None, None))
        for campaign, people in wanted.items():
            # (A rebuild of the read model alone leaves the records' index as it is.)
            if any(w.campaign == campaign for w in self.store._pending()):
                continue
            aliases = self.aliases(campaign)
            names: set[str] = set()
            ids: set[str] = set()
            contacts: set[str] = set()
            for name, custom_id, email, phone in people:
                names.add(normalize(name))
                # Whom her name alone is the key of, and every spelling keyed the same.
                target = aliases.key("person", campaign, name).split(":", 2)[2]
                if target.startswith(ID_MARK):
                    ids.add(f"person:{campaign}:{target}")
                else:
                    names.add(target)
                names.update(aliases.spellings("person", campaign, target))
                if custom_id:
                    ids.add(identity_key(campaign, custom_id))
                for contact in (email_key(email), phone_key(phone)):
                    if contact:
                        contacts.add(contact_lookup(campaign, contact))
            found = self.store.identity_records(campaign, sorted(names), sorted(ids),
                                                sorted(contacts))
            if found is None:
                continue
            known = self._campaigns[campaign] = _Campaign(campaign, aliases)
            _learn(known, found)

    def resolve(self, record: Record, where: str, label: str) -> Record:
        """The record as it will be stored (a name-only row given the id of the one person of
        its name), counting what it matched; records naming no person pass as they are."""
        if type(record) in _NAMING:
            return self._named(record)
        fields = _person_fields(record)
        if fields is None:
            return record
        name, custom_id, email, phone = fields
        camp = self._campaign(record.campaign)
        r = self.report
        norm = normalize(name)
        if custom_id:
            key = camp.key(name, custom_id)
            held = camp.name_of.get(key)
            if held is not None:
                r.matched += 1
                if held != norm:
                    r.respelled += 1
                    r.notices.append(Notice(where, label, "new spelling",
                                            "a known custom id under another spelling of the "
                                            "name (the person is matched by the id)"))
            else:
                plain = camp.aliases.key("person", camp.campaign, name)
                if plain in camp.name_of:
                    r.lookalike += 1
                    r.notices.append(Notice(where, label, "look-alike",
                                            "a new custom id, and a person of the same name "
                                            "without one: merge them with `mapper alias` if "
                                            "they are one (see `mapper duplicates`)"))
                else:
                    r.new += 1
            camp.known(key, norm, custom_id, email, phone)
            return record
        with_ids = camp.ids_by_name.get(norm, set())
        plain = camp.key(name, None)
        # A person of this name known by her name alone is a candidate too: with one who has
        # an id, the row could mean either (an alias to the id person is her, not another).
        plain_too = bool(with_ids) and plain in camp.name_of and plain not in with_ids
        if len(with_ids) == 1 and not plain_too:
            # The one person of this name: the row names her by her id from now on.
            (key,) = with_ids
            record = _with_custom_id(record, camp.id_of[key])
            r.matched += 1
            camp.add(name, camp.id_of[key], email, phone)
            return record
        if with_ids:
            r.ambiguous += 1
            r.notices.append(Notice(where, label, "ambiguous",
                                    f"{len(with_ids) + plain_too} people share this name "
                                    f"({len(with_ids)} with a custom id); give the row a "
                                    "custom id (kept apart, not merged)"))
            camp.add(name, None, None, None)
            return record
        key = plain
        if key in camp.name_of:
            r.matched += 1
        else:
            other = next((camp.by_contact[c] for c in (email_key(email), phone_key(phone))
                          if c and c in camp.by_contact and camp.by_contact[c] != key), None)
            if other is not None:
                r.lookalike += 1
                r.notices.append(Notice(where, label, "look-alike",
                                        "a new name with the email or phone of a known person: "
                                        "kept apart; merge with `mapper alias` if they are one "
                                        "(see `mapper duplicates`)"))
            else:
                r.new += 1
        camp.known(key, norm, None, email, phone)
        return record

    def _named(self, record: Record) -> Record:
        """A record naming people by name alone (a contact assignment, a tie, an update),
        each name of the one person of that name known by a custom id given as her key's last
        part (``#...``: her name would key another person, made for it); the others as they
        are. Not counted: it brings no one in."""
        camp = self._campaign(record.campaign)
        update = {}
        for field_name in _NAMING[type(record)]:
            name = getattr(record, field_name)
            if name.startswith(ID_MARK):
                continue
            with_ids = camp.ids_by_name.get(normalize(name))
            if not with_ids or len(with_ids) > 1:
                continue  # (most ties: no one of that name has an id)
            plain = camp.key(name, None)
            if plain != f"person:{camp.campaign}:{normalize(name)}":
                continue  # an alias says whom the name means (`mapper alias`): her
            if not (plain in camp.name_of and plain not in with_ids):
                (key,) = with_ids
                update[field_name] = key.split(":", 2)[2]
        return record.model_copy(update=update) if update else record


def _learn(known: _Campaign, stored: Iterable[Any]) -> None:
    """Add stored roster rows and 1-on-1s, in the store's order, to what is known."""
    for rec in stored:
        body = rec.body.get("contact", rec.body) if rec.kind == "conversation" else rec.body
        if isinstance(body, dict) and body.get("name"):
            known.add(body["name"], body.get("custom_id"), body.get("email"), body.get("phone"))


def _with_custom_id(record: Record, custom_id: str) -> Record:
    if isinstance(record, RosterRow):
        return record.model_copy(update={"custom_id": custom_id})
    assert isinstance(record, OneOnOne)
    return record.model_copy(update={"contact": record.contact.model_copy(
        update={"custom_id": custom_id})})
