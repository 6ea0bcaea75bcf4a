"""Which follow-up items the updates close, and which commitments were kept or missed."""

from __future__ import annotations

from typing import Any

from mapper.snapshot import Conversation, Snapshot, Update

__all__ = ["CLOSES", "item_id", "closed_items", "commitment_results", "kept_by_person"]

#: The follow-up item kind each kind of update closes.
CLOSES = {"thank_you_sent": "thank_you", "assignment_done": "assignment",
          "assignment_not_done": "assignment", "commitment_kept": "commitment",
          "commitment_missed": "commitment", "talked_again": "talk_again"}


def item_id(kind: str, conversation: str) -> str:
    """A follow-up item's stable id: its kind and the own id of the 1-on-1 it comes from.

    >>> item_id("thank_you", "2026-11-20-ana")
    'thank_you:2026-11-20-ana'
    """
    return f"{kind}:{conversation}"


def _has(kind: str, c: Conversation) -> bool:
    if kind == "thank_you":
        return c.thank_you_sent is False
    if kind == "assignment":
        return c.has_assignment
    if kind == "talk_again":
        return c.next_talk is not None
    return c.commitment is not None and c.commitment.response == "yes"


def _target(u: Update, kind: str, convs: list[Conversation]) -> Conversation | None:
    """The 1-on-1 whose item ``u`` closes: the one it names (if the person's), else the
    person's latest 1-on-1 dated on or before the update that has an item of that kind."""
    if u.conversation is not None:
        return next((c for c in convs if c.id == u.conversation), None)
    return next((c for c in reversed(convs) if c.date <= u.date and _has(kind, c)), None)


def _resolved(snapshot: Snapshot) -> list[tuple[Update, str, Conversation | None]]:
    """Every closing update, oldest first, with the item kind and the 1-on-1 it closes."""
    closing = sorted((u for u in snapshot.updates if u.update in CLOSES),
                     key=lambda u: (u.date, u.id))
    if not closing:
        return []
    about = {u.person for u in closing}
    by_person: dict[str, list[Conversation]] = {}
    for c in snapshot.conversations:
        if c.person in about:
            by_person.setdefault(c.person, []).append(c)
    for convs in by_person.values():
        convs.sort(key=lambda c: (c.date, c.id))
    return [(u, CLOSES[u.update], _target(u, CLOSES[u.update], by_person.get(u.person, [])))
            for u in closing]


def closed_items(snapshot: Snapshot) -> dict[str, Update]:
    """``{item id: the latest update closing it}``.

    An update closes the item named by its ``conversation`` (a 1-on-1 of the same person);
    without one, the item of the person's latest 1-on-1 dated on or before the update that has
    such an item (an unthanked 1-on-1, a follow-up assignment, a "yes"). "Not done" and
    "missed" close an item as "done" and "kept" do.

    Examples
    --------
    >>> from mapper.analytics.examples import CampaignBuilder
    >>> b = CampaignBuilder("c")
    >>> cid = b.talk("Ana", "2026-11-01", thank_you_sent=False, response="yes", due="2026-11-10")
    >>> _ = b.log("Ana", "2026-11-02", "thank_you_sent")
    >>> _ = b.log("Ana", "2026-11-12", "commitment_missed", conversation=cid)
    >>> {k: u.update for k, u in closed_items(b.snapshot()).items()}
    {'thank_you:2026-11-01-ana': 'thank_you_sent', 'commitment:2026-11-01-ana': 'commitment_missed'}
    """
    return {item_id(kind, c.id): u for u, kind, c in _resolved(snapshot) if c is not None}


def commitment_results(snapshot: Snapshot) -> dict[Any, tuple[str, str]]:
    """``{commitment: (person, "kept" | "missed")}`` from the latest update about each.

    A commitment is named by its 1-on-1's id; a "kept" or "missed" that finds no "yes" to
    close still says the person did (or did not) act, and is keyed by ``("update", its own
    id)``: never one a 1-on-1's id could be (a records file may give an update the id of
    another person's 1-on-1, and one result then took the other's place).

    >>> from mapper.analytics.examples import CampaignBuilder
    >>> b = CampaignBuilder("c")
    >>> _ = b.talk("Ana", "2026-11-01", response="yes", due="2026-11-10")
    >>> _ = b.log("Ana", "2026-11-11", "commitment_kept")
    >>> commitment_results(b.snapshot())
    {'2026-11-01-ana': ('person:c:ana', 'kept')}
    """
    out: dict[Any, tuple[str, str]] = {}
    for u, kind, c in _resolved(snapshot):
        if kind == "commitment":
            out[c.id if c is not None else ("update", u.id)] = (
                u.person, "kept" if u.update == "commitment_kept" else "missed")
    return out


def kept_by_person(snapshot: Snapshot) -> dict[str, tuple[int, int]]:
    """``{person: (commitments kept, commitments missed)}`` (see :func:`commitment_results`)."""
    out: dict[str, list[int]] = {}
    for person, result in commitment_results(snapshot).values():
        out.setdefault(person, [0, 0])[result != "kept"] += 1
    return {p: (k, m) for p, (k, m) in sorted(out.items())}
