"""Follow-ups: thank-yous, assignments and commitments due or overdue, per organizer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mapper.analytics._common import conversations_by_person, iso, person_name
from mapper.snapshot import Snapshot

__all__ = ["follow_ups", "UNNAMED"]

#: An item's ``what`` when the snapshot does not hold its words (:attr:`Snapshot.texts`): the
#: graph keeps that there is an assignment or an action, the stored record what it says.
UNNAMED = {"assignment": "(assignment)", "commitment": "(commitment)"}

_KIND_ORDER = {"commitment": 0, "assignment": 1, "thank_you": 2}


def _after(day: dt.date, days: int) -> dt.date:
    """``day`` plus ``days``, held within the dates Python has (a due date may be 9999-12-31)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def follow_ups(snapshot: Snapshot, *, today: dt.date, horizon_days: int = 7,
               thank_you_days: int = 2) -> dict[str, Any]:
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

    The words of an assignment or an action come from :attr:`Snapshot.texts` (the graph holds
    none); without them ``what`` is :data:`UNNAMED`, and a reader allowed to see them finds
    them in the conversation held with ``person`` on ``conversation_date``.

    An item is ``overdue`` once its date has passed and ``due`` from ``horizon_days`` before;
    later ones are left out. ``days_overdue`` is negative for days still left.

    Returns
    -------
    dict
        ``today``, ``horizon_days``, ``organizers`` [``organizer``, ``overdue``, ``due``,
        ``items`` [``person``, ``name``, ``kind`` (thank_you | assignment | commitment),
        ``what``, ``conversation_date``, ``due``, ``days_overdue``, ``status``], most overdue
        first], by organizer name; ``totals`` (``overdue``, ``due``).

    Examples
    --------
    >>> import datetime as dt
    >>> from mapper.analytics.examples import example_snapshot
    >>> r = follow_ups(example_snapshot(), today=dt.date(2026, 11, 20))
    >>> [(o["organizer"], [(i["name"], i["kind"], i["days_overdue"]) for i in o["items"]])
    ...  for o in r["organizers"]]  # doctest: +NORMALIZE_WHITESPACE
    [('Maya Ortiz', [('Cruz Diaz', 'thank_you', 8), ('Cruz Diaz', 'assignment', 3)]),
     ('Sam Lee', [('Ben Ortiz', 'thank_you', 13)])]
    """
    items_by_org: dict[str, list[dict[str, Any]]] = {}
    organizers = {c.organizer for c in snapshot.conversations} | set(snapshot.organizers.values())

    texts = snapshot.texts

    def add(org: str, person: str, kind: str, what: str, held: dt.date, due: dt.date) -> None:
        days = (today - due).days
        if days < -horizon_days:
            return
        items_by_org.setdefault(org, []).append({
            "person": person, "name": person_name(snapshot, person), "kind": kind, "what": what,
            "conversation_date": iso(held), "due": iso(due), "days_overdue": days,
            "status": "overdue" if days > 0 else "due"})

    for person, convs in conversations_by_person(snapshot).items():
        latest = convs[-1]
        org = latest.organizer
        if latest.thank_you_sent is False:
            run = 0
            for c in reversed(convs):
                if c.thank_you_sent is not False:
                    break
                run += 1
            first = convs[-run]
            what = (f"thank-you for the {iso(latest.date)} conversation" if run == 1 else
                    f"thank-you for {run} conversations since {iso(first.date)}")
            add(org, person, "thank_you", what, latest.date, _after(first.date, thank_you_days))
        if latest.has_assignment and latest.follow_up_due:
            words = texts.get(latest.id)
            add(org, person, "assignment", (words and words.assignment) or UNNAMED["assignment"],
                latest.date, latest.follow_up_due)
        for n, c in enumerate(convs):
            com = c.commitment
            if com is None or com.response != "yes" or com.due is None:
                continue
            later = convs[n + 1:]
            if any(l.date >= com.due or (l.commitment and l.commitment.response == "no")
                   for l in later):
                continue
            words = texts.get(c.id) if com.has_action else None
            add(org, person, "commitment", (words and words.action) or UNNAMED["commitment"],
                c.date, com.due)

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
    return {"today": iso(today), "horizon_days": horizon_days, "organizers": out,
            "totals": totals}
