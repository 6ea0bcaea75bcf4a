"""The words of follow-up items (an assignment, an action asked) as a reader may read them.

The graph holds no one's words: an item's come from the stored record of the 1-on-1 it comes
from, and only for whoever held that 1-on-1 (and admins). The Follow-ups page and its
downloads (CSV, XLSX, call sheet) both read them here, so a reader gets the same words in
either, and no others.
"""

from __future__ import annotations

from typing import Any

from mapper.analytics.follow_ups import UNNAMED
from mapper.analytics.texts import read_texts
from mapper.snapshot import ConversationText

__all__ = ["NOT_YOURS", "item_words"]

#: In place of an item's text (the assignment, the action asked) for those who did not hold the
#: conversation it comes from: kind, due date and lateness are shown, the words are not.
NOT_YOURS = "(held by another organizer)"


def _holders(store, campaign: str, items: list[dict]) -> dict[str, str]:
    """``conversation id -> organizer`` who held the 1-on-1 each item comes from (its record)."""
    from mapper.projection import conversation_key

    keys = {conversation_key(campaign, i["conversation"]): i["conversation"] for i in items}
    return {keys[r.id]: r.body.get("organizer") for r in store.get_records(list(keys))}


def _may_read(user, organizer: str, item: dict, held_by: dict[str, str]) -> bool:
    """Whether ``user`` may read an item's text: only from conversations they held.

    An item is listed under the organizer who last spoke with the person, but a commitment's
    action comes from the conversation it was made in, which someone else may have held.
    """
    if user.role == "admin":
        return True
    if not user.holds(organizer):
        return False
    return user.holds(held_by.get(item["conversation"], organizer))


def _words(item: dict, words: dict[str, ConversationText]) -> str:
    """An item's text, with the words of its assignment or action read from its record."""
    text = words.get(item["conversation"])
    if text is None or item["kind"] not in UNNAMED:
        return item["what"]
    return (text.assignment if item["kind"] == "assignment" else text.action) or item["what"]


def item_words(user, store, campaign: str, items: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """The text of each ``(organizer, item)`` of a follow-ups answer read without words
    (``words=False``) as ``user`` may read it: its assignment's or action's words for who held
    its 1-on-1 and admins, :data:`NOT_YOURS` for everyone else."""
    # Who held each item's 1-on-1 (an organizer's own items only: no one else's are read).
    mine = [i for org, i in items if user.role != "admin" and user.holds(org)]
    held_by = _holders(store, campaign, mine) if mine else {}
    readable = [_may_read(user, org, i, held_by) for org, i in items]
    wanted = {i["conversation"] for (_, i), ok in zip(items, readable)
              if ok and i["kind"] in UNNAMED}
    words = read_texts(store, campaign, wanted) if wanted else {}
    return [_words(i, words) if ok else NOT_YOURS for (_, i), ok in zip(items, readable)]
