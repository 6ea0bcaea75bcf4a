"""Follow-ups: thank-yous, assignments, commitments and talks agreed, due or overdue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mapper.analytics._common import conversations_by_person, iso, person_name
from mapper.analytics.closing import closed_items, item_id
from mapper.analytics.status import present
from mapper.snapshot import Snapshot, with_texts

__all__ = ["follow_ups", "open_items", "first_items", "UNNAMED"]

#: An item's ``what`` when the snapshot does not hold its words (:attr:`Snapshot.texts`): the
#: graph keeps that there is an assignment or an action, the stored record what it says.
UNNAMED = {"assignment": "(assignment)", "commitment": "(commitment)"}

_KIND_ORDER = {"commitment": 0, "assignment": 1, "thank_you": 2, "talk_again": 3}


def _after(day: dt.date, days: int) -> dt.date:
    """``day`` plus ``days``, held within the dates Python has (a due date may be 9999-12-31)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def open_items(snapshot: Snapshot, *, thank_you_days: int = 2) -> list[dict[str, Any]]:
    """Every follow-up item still open, however far its date (rules in :func:`follow_ups`).

    Returns
    -------
    list of dict
        ``id``, ``person``, ``conversation`` (own id of the 1-on-1 it comes from),
        ``organizer`` (who last spoke with the person), ``kind``, ``what``,
        ``conversation_date``, ``due`` (a date); by person, kind (commitment, assignment,
        thank-you), then due date.

    Examples
    --------
    >>> from mapper.analytics.examples import example_snapshot
    >>> [i["id"] for i in open_items(example_snapshot())]  # doctest: +NORMALIZE_WHITESPACE
    ['commitment:2026-11-02-ana-lopez', 'commitment:2026-11-05-ben-ortiz',
     'thank_you:2026-11-05-ben-ortiz', 'assignment:2026-11-10-cruz-diaz',
     'thank_you:2026-11-10-cruz-diaz']
    """
    snapshot = present(snapshot)
    texts = snapshot.texts
    closed = closed_items(snapshot)
    out: list[dict[str, Any]] = []

    def add(org: str, person: str, kind: str, cid: str, what: str, held: dt.date,
            due: dt.date) -> None:
        out.append({"id": item_id(kind, cid), "person": person, "conversation": cid,
                    "organizer": org, "kind": kind, "what": what, "conversation_date": held,
                    "due": due})

    for person, convs in conversations_by_person(snapshot).items():
        latest = convs[-1]
        org = latest.organizer

        def unthanked(c) -> bool:
            return c.thank_you_sent is False and item_id("thank_you", c.id) not in closed

        if unthanked(latest):
            run = 0
            for c in reversed(convs):
                if not unthanked(c):
                    break
                run += 1
            first = convs[-run]
            what = (f"thank-you for the {iso(latest.date)} conversation" if run == 1 else
                    f"thank-you for {run} conversations since {iso(first.date)}")
            add(org, person, "thank_you", latest.id, what, latest.date,
                _after(first.date, thank_you_days))
        if (latest.has_assignment and latest.follow_up_due
                and item_id("assignment", latest.id) not in closed):
            words = texts.get(latest.id)
            add(org, person, "assignment", latest.id,
                (words and words.assignment) or UNNAMED["assignment"], latest.date,
                latest.follow_up_due)
        if latest.next_talk and item_id("talk_again", latest.id) not in closed:
            # Only the latest can be open: a later 1-on-1 with the person is the talk held.
            add(org, person, "talk_again", latest.id,
                f"talk again, as agreed on {iso(latest.date)}", latest.date, latest.next_talk)
        for n, c in enumerate(convs):
            com = c.commitment
            if (com is None or com.response != "yes" or com.due is None
                    or item_id("commitment", c.id) in closed):
                continue
            later = convs[n + 1:]
            if any(l.date >= com.due or (l.commitment and l.commitment.response == "no")
                   for l in later):
                continue
            words = texts.get(c.id) if com.has_action else None
            add(org, person, "commitment", c.id, (words and words.action) or UNNAMED["commitment"],
                c.date, com.due)
    out.sort(key=lambda i: (i["person"], _KIND_ORDER[i["kind"]], i["due"], i["id"]))
    return out


def first_items(answer: dict[str, Any], limit: int | None,
                organizer: str | None = None) -> dict[str, Any]:
    """A follow-ups answer with its first ``limit`` items listed (all: None), in its order,
    of ``organizer``'s alone (any spelling) when given; every organizer and count kept: a
    page of the list.

    >>> a = {"organizers": [{"organizer": "A", "items": [1, 2]}, {"organizer": "B", "items": [3]}]}
    >>> [o["items"] for o in first_items(a, 3)["organizers"]], [
    ...     o["items"] for o in first_items(a, 1)["organizers"]]
    ([[1, 2], [3]], [[1], []])
    >>> [o["items"] for o in first_items(a, None, "b")["organizers"]]
    [[], [3]]
    """
    from mapper.keys import normalize

    if limit is None and organizer is None:
        return answer
    left = limit
    wanted = None if organizer is None else normalize(organizer)
    organizers = []
    for o in answer["organizers"]:
        shown = o["items"] if wanted is None or normalize(o["organizer"]) == wanted else []
        if left is not None:
            shown = shown[:max(left, 0)]
            left -= len(shown)
        organizers.append({**o, "items": shown})
    return {**answer, "organizers": organizers}


def follow_ups(snapshot: Snapshot, *, today: dt.date, horizon_days: int = 7,
               thank_you_days: int = 2, organizer: str | None = None,
               limit: int | None = None, words: bool = True) -> dict[str, Any]:
    """What each organizer owes: thank-yous, assignments and commitments due or overdue.

    Rules, per person (each item goes to the organizer who last spoke with the person — they
    hold the relationship now):

    - **thank-you**: owed when the latest conversation's ``thank_you_sent`` is false (a blank
      is not counted: many forms do not track it). Talking again settles an earlier missing
      thank-you, unless that later conversation went unthanked too: then one item covers the
      run of unthanked conversations, due ``thank_you_days`` after the first of them.
    - **assignment**: the latest conversation's follow-up assignment with a due date (a later
      conversation reviews an earlier one's assignment; one without a date is never due).
    - **commitment**: every "yes" with a due date, until a conversation with the person on or
      after that date (the check-in) or a later "no".
    - **talk again**: the latest conversation's date set for the next one (``plan.next_talk``),
      due that day; any later 1-on-1 with the person closes it.

    An update closes an item (:func:`~mapper.analytics.closing.closed_items`): "thank-you
    sent" a thank-you (a conversation thanked so ends the run), "assignment done / not done"
    an assignment, "commitment kept / missed" a commitment, "talked again" a talk again.
    A closed item leaves the list.
    People who left the workplace (:func:`~mapper.analytics.status.left_people`) are left out.

    Every item has a stable ``id``, ``kind:conversation`` — the kind and the own id of the
    1-on-1 it comes from (for a thank-you covering several, the latest): the update closing it
    names that 1-on-1 in its ``conversation``.

    The words of an assignment or an action come from :attr:`Snapshot.texts` (the graph holds
    none); without them ``what`` is :data:`UNNAMED`, and a reader allowed to see them finds
    them in the conversation held with ``person`` on ``conversation_date``. With ``words``
    false, every ``what`` is so, whatever the snapshot holds: for a caller that reads its own
    reader's words (the dashboard's page), so that no words are read for it (the campaign's
    shared actions are counted from every "yes" in it: 4.6 s at a million people).

    An item is ``overdue`` once its date has passed and ``due`` from ``horizon_days`` before;
    later ones are left out. ``days_overdue`` is negative for days still left.

    A page of the list (:func:`first_items`): with ``organizer`` (any spelling) only that
    organizer's items are listed, with ``limit`` only the first ``limit``; every organizer's
    counts stay. A store answers a page from its read model reading only that page
    (:meth:`mapper.stores.base.Store.follow_ups`).

    Returns
    -------
    dict
        ``today``, ``horizon_days``, ``organizers`` [``organizer``, ``overdue``, ``due``,
        ``items`` [``id``, ``person``, ``conversation``, ``name``, ``kind`` (thank_you |
        assignment | commitment | talk_again), ``what``, ``conversation_date``, ``due``,
        ``days_overdue``, ``status``], most overdue first], by organizer name; ``totals``
        (``overdue``, ``due``).

    Examples
    --------
    >>> import datetime as dt
    >>> from mapper.analytics.examples import example_snapshot
    >>> r = follow_ups(example_snapshot(), today=dt.date(2026, 11, 20))
    >>> [(o["organizer"], [(i["name"], i["kind"], i["days_overdue"]) for i in o["items"]])
    ...  for o in r["organizers"]]  # doctest: +NORMALIZE_WHITESPACE
    [('Maya Ortiz', [('Cruz Diaz', 'thank_you', 8), ('Cruz Diaz', 'assignment', 3)]),
     ('Sam Lee', [('Ben Ortiz', 'thank_you', 13)])]
    >>> r["organizers"][0]["items"][0]["id"]
    'thank_you:2026-11-10-cruz-diaz'
    """
    items_by_org: dict[str, list[dict[str, Any]]] = {}
    kept = present(snapshot if words else with_texts(snapshot, {}))
    organizers = {c.organizer for c in kept.conversations} | set(kept.organizers.values())
    for i in open_items(kept, thank_you_days=thank_you_days):
        days = (today - i["due"]).days
        if days < -horizon_days:
            continue
        items_by_org.setdefault(i["organizer"], []).append({
            "id": i["id"], "person": i["person"], "conversation": i["conversation"],
            "name": person_name(kept, i["person"]), "kind": i["kind"], "what": i["what"],
            "conversation_date": iso(i["conversation_date"]), "due": iso(i["due"]),
            "days_overdue": days, "status": "overdue" if days > 0 else "due"})

    out = []
    totals = {"overdue": 0, "due": 0}
    for org in sorted(organizers | set(items_by_org), key=lambda o: (o.casefold(), o)):
        items = sorted(items_by_org.get(org, []), key=lambda i: (
            -i["days_overdue"], _KIND_ORDER[i["kind"]], i["name"], i["person"], i["what"]))
        overdue = sum(1 for i in items if i["status"] == "overdue")
        totals["overdue"] += overdue
        totals["due"] += len(items) - overdue
        out.append({"organizer": org, "overdue": overdue, "due": len(items) - overdue,
                    "items": items})
    return first_items({"today": iso(today), "horizon_days": horizon_days, "organizers": out,
                        "totals": totals}, limit, organizer)
