"""My list: each organizer's assigned contacts, with the next thing to do and when."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mapper.analytics._common import committed_people, conversations_by_person, iso
from mapper.analytics.attempts import asked_in_attempts, attempt_reasons, failed_attempts
from mapper.analytics.follow_ups import open_items
from mapper.analytics.status import present
from mapper.keys import node_key, normalize
from mapper.snapshot import Snapshot

__all__ = ["NEXT_STEPS", "my_list"]

#: What an organizer does next with a contact, in the order the rules are tried.
NEXT_STEPS = ("first_1on1", "follow_up", "none", "ask")

_KIND_ORDER = {"commitment": 0, "assignment": 1, "thank_you": 2, "talk_again": 3}


def _urgency(item: dict[str, Any]) -> tuple:
    return (item["due"], _KIND_ORDER[item["kind"]], item["id"])


def _item_words(item: dict[str, Any]) -> str:
    # An assignment's or an action's own words are the worker's: name the 1-on-1 instead.
    held = iso(item["conversation_date"])
    if item["kind"] in ("thank_you", "talk_again"):
        return item["what"]
    if item["kind"] == "assignment":
        return f"check the follow-up assignment from the {held} conversation"
    return f"check the commitment from the {held} conversation"


def _with_tries(what: str, tries: dict[str, list[dt.date]] | None) -> str:
    reasons = attempt_reasons(tries)
    return f"{what} ({'; '.join(reasons)})" if reasons else what


def my_list(snapshot: Snapshot, *, today: dt.date, organizer: str | None = None) -> dict[str, Any]:
    """For each organizer, the contacts assigned to her and the next thing to do with each.

    The next thing, the first rule that holds:

    - ``first_1on1``: no 1-on-1 with the contact yet;
    - ``follow_up``: a follow-up item is open (:func:`~mapper.analytics.follow_ups.open_items`,
      however far its date): the most urgent one, with its ``due`` date and ``item`` id;
    - ``none``: committed (latest answer "yes") and nothing open;
    - ``ask``: spoken with but not committed — never asked, said maybe or no, or not reached
      when asked ("ask again" then).

    ``what`` says it without anyone's words (an assignment or an action is named by the
    1-on-1 it comes from); failed contact attempts since the latest 1-on-1 are added in
    brackets. ``overdue``: the due date has passed. People who left the workplace are left
    out. ``organizer`` (a name, matched as names are) keeps that organizer only — listed,
    with no contacts, even when none is assigned to her.

    Returns
    -------
    dict
        ``organizers`` [``organizer`` (name), ``key``, ``counts`` (``contacts``,
        ``first_1on1``, ``ask``, ``follow_up``, ``overdue``), ``contacts`` [``person``,
        ``name``, ``unit``, ``shift``, ``next``, ``what``, ``due``, ``overdue``, ``item``,
        ``assigned``]], organizers by name, contacts by due date (none last), then name.

    Examples
    --------
    >>> import datetime as dt
    >>> from mapper.analytics.examples import CampaignBuilder
    >>> b = CampaignBuilder("c")
    >>> _ = b.talk("Ana", "2026-11-20", thank_you_sent=False)
    >>> _ = b.person("Ben", "ICU")
    >>> b.assign("Ana", "Maya", "2026-11-21"); b.assign("Ben", "Maya", "2026-11-21")
    >>> r = my_list(b.snapshot(), today=dt.date(2026, 11, 23))
    >>> [(c["name"], c["next"], c["what"], c["due"], c["overdue"])
    ...  for c in r["organizers"][0]["contacts"]]  # doctest: +NORMALIZE_WHITESPACE
    [('Ana', 'follow_up', 'thank-you for the 2026-11-20 conversation', '2026-11-22', True),
     ('Ben', 'first_1on1', 'first 1-on-1', None, False)]
    >>> r["organizers"][0]["counts"]
    {'contacts': 2, 'first_1on1': 1, 'ask': 0, 'follow_up': 1, 'overdue': 1}
    """
    snapshot = present(snapshot)
    wanted = normalize(organizer) if organizer is not None else None
    by_org: dict[str, list[dict[str, Any]]] = {}
    assigned = snapshot.assignments
    if wanted is not None:
        assigned = {p: a for p, a in assigned.items()
                    if normalize(_org_name(snapshot, a.organizer)) == wanted}
    if assigned:
        convs = conversations_by_person(snapshot)
        committed = committed_people(snapshot)
        tries = failed_attempts(snapshot)
        asked_by_attempt = asked_in_attempts(snapshot)
        items: dict[str, dict[str, Any]] = {}
        for i in open_items(snapshot):
            old = items.get(i["person"])
            if old is None or _urgency(i) < _urgency(old):
                items[i["person"]] = i
        for person, a in assigned.items():
            p = snapshot.people.get(person)
            item = items.get(person)
            due = None
            if person not in convs:
                step, what = "first_1on1", _with_tries("first 1-on-1", tries.get(person))
            elif item is not None:
                step, what, due = "follow_up", _item_words(item), item["due"]
            elif person in committed:
                step, what = "none", "nothing to do now"
            else:
                ever = person in asked_by_attempt or any(
                    c.commitment is not None and (c.commitment.asked or c.commitment.response)
                    for c in convs[person])
                step, what = "ask", _with_tries("ask again" if ever else "ask", tries.get(person))
            by_org.setdefault(a.organizer, []).append({
                "person": person, "name": p.name if p is not None else person,
                "unit": p.unit if p is not None else None,
                "shift": p.shift if p is not None else None,
                "next": step, "what": what, "due": iso(due),
                "overdue": due is not None and due < today,
                "item": item["id"] if step == "follow_up" else None,
                "assigned": iso(a.date)})
    if wanted is not None and not by_org:
        key = next((k for k, n in snapshot.organizers.items() if normalize(n) == wanted),
                   node_key("organizer", snapshot.campaign, organizer or ""))
        by_org[key] = []
    out = []
    for key, contacts in by_org.items():
        contacts.sort(key=lambda c: (c["due"] is None, c["due"] or "", c["name"], c["person"]))
        counts = {"contacts": len(contacts)}
        for step in ("first_1on1", "ask", "follow_up"):
            counts[step] = sum(1 for c in contacts if c["next"] == step)
        counts["overdue"] = sum(1 for c in contacts if c["overdue"])
        name = (_org_name(snapshot, key) if key in snapshot.organizers or contacts
                else organizer or "")
        out.append({"organizer": name, "key": key, "counts": counts, "contacts": contacts})
    out.sort(key=lambda o: (o["organizer"].casefold(), o["organizer"], o["key"]))
    return {"organizers": out}


def _org_name(snapshot: Snapshot, key: str) -> str:
    return snapshot.organizers.get(key) or key.split(":", 2)[-1]
