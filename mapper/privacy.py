"""What is personal in a record, and removing it for those who may not see it."""

from __future__ import annotations

import copy
import os
import stat
from pathlib import Path
from collections.abc import Iterable
from typing import IO, Any

__all__ = ["PERSONAL_FIELDS", "ROSTER_PERSONAL_FIELDS", "CONTACT_DETAILS", "redact_record",
           "open_private", "private_folder", "roster_details"]

# Paths into a 1-on-1 record that hold personal information: contact details and confidential
# text, and the free text in which a worker's own words land (what they fear, what they agreed
# to do, where they felt safe to talk, whether they witnessed harm). No text of these reaches
# the graph's nodes or edges (tests/test_graph_privacy.py): a view that names one reads it from
# the stored record (Store.conversation_texts), for whom the role rules allow.
PERSONAL_FIELDS = ("contact.phone", "contact.email", "issues.*.story", "issues.*.witnessed_harm",
                   "referrals.*.note", "notes", "ask.fears", "ask.action", "follow_up.assignment",
                   "space.setting", "plan.answer_to_boss")


# A roster row's contact details and ids (issue #13), and the id a 1-on-1 may give its
# contact: personal like a 1-on-1's phone and email. The graph keys a person known by a
# custom id by a hash of it (mapper.projection.identity_key), never the id itself.
ROSTER_PERSONAL_FIELDS = ("email", "phone", "phone_extension", "custom_id", "address",
                          "address_line_2", "city", "state", "zip", "country", "custom_fields")
PERSONAL_FIELDS = PERSONAL_FIELDS + ROSTER_PERSONAL_FIELDS + ("contact.custom_id",)
#: What a person page shows of a roster row to whom may see contact details.
CONTACT_DETAILS = ("phone", "phone_type", "phone_extension", "email", "address",
                   "address_line_2", "city", "state", "zip", "country", "language", "custom_id")


def roster_details(store: Any, campaign: str, person_key: str) -> dict[str, Any]:
    """The contact details a person's roster row gives (personal: show them only to whom
    :func:`mapper.roles.sees_contact_details` allows)."""
    return rosters_details(store, campaign, [person_key]).get(person_key, {})


def rosters_details(store: Any, campaign: str, person_keys: Iterable[str]
                    ) -> dict[str, dict[str, Any]]:
    """:func:`roster_details` of several people, in one read of the store; people without a
    roster row (or without details on it) are left out."""
    prefix = f"person:{campaign}:"
    # A roster row's id is its person's key under another prefix (see record_id).
    ids = {f"roster:{campaign}:{key[len(prefix):]}": key
           for key in dict.fromkeys(person_keys) if key.startswith(prefix)}
    out: dict[str, dict[str, Any]] = {}
    for record in store.get_records(list(ids)) if ids else ():
        body = record.body
        found = {k: body[k] for k in CONTACT_DETAILS if body.get(k) not in (None, "", [])}
        if found:
            out[ids[record.id]] = found
    return out


def redact_record(record: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of a record (as a dict) without its personal fields.

    >>> redact_record({"notes": "x", "contact": {"name": "Ana", "phone": "1"},
    ...                "issues": [{"issue": "pay", "story": "s"}]})
    {'contact': {'name': 'Ana'}, 'issues': [{'issue': 'pay'}]}
    """
    out = copy.deepcopy(record)
    for path in PERSONAL_FIELDS:
        _drop(out, path.split("."))
    return out


def _drop(node: Any, parts: list[str]) -> None:
    if not parts or node is None:
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        for item in node if isinstance(node, list) else []:
            _drop(item, rest)
    elif isinstance(node, dict) and head in node:
        if rest:
            _drop(node[head], rest)
        else:
            del node[head]


def open_private(path: str | Path) -> IO[str]:
    """Open ``path`` for writing personal details: readable by its owner only, even when a file
    of that name was already there (``os.open``'s mode only applies to a new file)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "w", encoding="utf-8")


def private_folder(path: str | Path) -> Path:
    """``path`` as a folder only this user of the machine may enter, made if it is not there.

    A folder of a known name under the shared temporary folder may have been made first by
    another user of the machine, open to all: the files written in it (or a link planted in
    it, which a write would follow into another file) would be theirs to read and to aim.
    Such a folder (or a link in its place) is refused, not used."""
    path = Path(path)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    found = os.lstat(path)
    if (not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid()
            or stat.S_IMODE(found.st_mode) & 0o077):
        raise PermissionError(f"{path}: not a folder of this user's alone (another user of "
                              "the machine may reach it); remove it, it is made again")
    return path
