"""What is personal in a record, and removing it for those who may not see it."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import IO, Any

__all__ = ["PERSONAL_FIELDS", "redact_record", "open_private"]

# Paths into a 1-on-1 record that hold personal information: contact details and confidential
# text, and the free text in which a worker's own words land (what they fear, what they agreed
# to do, where they felt safe to talk, whether they witnessed harm). No text of these reaches
# the graph's nodes or edges (tests/test_graph_privacy.py): a view that names one reads it from
# the stored record (Store.conversation_texts), for whom the role rules allow.
PERSONAL_FIELDS = ("contact.phone", "contact.email", "issues.*.story", "issues.*.witnessed_harm",
                   "referrals.*.note", "notes", "ask.fears", "ask.action", "follow_up.assignment",
                   "space.setting", "plan.answer_to_boss")


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
