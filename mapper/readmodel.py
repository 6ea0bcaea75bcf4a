"""The read model the write side keeps: each person's open follow-up items, stored in the store.

cosmicpython's read-model pattern (views kept current by the write side): each store keeps
these rows in the same transaction as the records they come from, so a new process, or a
second server worker, reads them without building a snapshot of the whole campaign.

One write touches only the people its records are about (the person of a 1-on-1, of an
update) and those the records it replaces or deletes were about: each such person's rows are
computed again from that person's own 1-on-1s and updates, through the same functions a full
snapshot uses (:func:`mapper.snapshot.build_snapshot`, then
:func:`mapper.analytics.follow_ups.open_items`), so the two cannot drift apart. A full rebuild
happens only by re-projection (a schema migration, an alias merge), in resumable batches.

The rows hold no personal text: an assignment's or an action's words stay in the record
(``what`` is stored for a thank-you only, whose wording the view makes up); a reader the role
rules allow fills them in from the records of the items shown (:func:`follow_ups`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from mapper.analytics.follow_ups import UNNAMED, _KIND_ORDER, open_items
from mapper.keys import normalize
from mapper.snapshot import ConversationText, SnapshotRows, build_snapshot

__all__ = ["Item", "ITEM_FIELDS", "THANK_YOU_DAYS", "Source", "people_of", "node_keys",
           "organizer_keys", "person_items", "follow_ups"]

#: The thank-you delay the stored items are computed with (the view's default); an answer
#: asked with another one is computed from a snapshot instead.
THANK_YOU_DAYS = 2


class Item(NamedTuple):
    """One open follow-up item as stored; dates as ISO strings (they sort as dates)."""

    campaign: str
    person: str
    id: str
    kind: str
    conversation: str
    organizer: str
    name: str
    what: str | None  # a thank-you's wording only; never a person's words
    conversation_date: str
    due: str


ITEM_FIELDS = Item._fields


class Source(NamedTuple):
    """A record a person's rows come from: a 1-on-1 with them or an update about them."""

    campaign: str
    person: str
    kind: str  # "conversation" | "update"
    id: str  # the store key of the record (``conversation:<campaign>:<id>``, ``update:...``)


def people_of(projection: Any) -> set[str]:
    """The people whose rows a record's projection changes (the person of a 1-on-1 or update)."""
    if projection is None:
        return set()
    return {e.dst for e in projection.edges if e.type in ("WITH", "ABOUT")}


def node_keys(sources: Iterable[Source]) -> list[str]:
    """The graph nodes a person's rows are read from: people, 1-on-1s, asks, updates."""
    keys: dict[str, None] = {}
    for s in sources:
        keys[s.person] = None
        keys[s.id] = None
        if s.kind == "conversation":
            keys[f"commitment:{s.campaign}:{s.id.split(':', 2)[2]}"] = None
    return list(keys)


def organizer_keys(sources: Iterable[Source], nodes: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The organizer nodes the 1-on-1s among ``sources`` were held by (named by their props)."""
    keys = set()
    for s in sources:
        props = nodes.get(s.id)
        if s.kind == "conversation" and props and props.get("organizer"):
            keys.add(f"organizer:{s.campaign}:{normalize(props['organizer'])}")
    return sorted(keys)


def person_items(campaign: str, people: Iterable[str], sources: Sequence[Source],
                 nodes: Mapping[str, Mapping[str, Any]]) -> list[Item]:
    """The open follow-up items of ``people`` of one campaign, from their own records.

    ``sources`` are every 1-on-1 with them and update about them; ``nodes`` the props (with
    ``name``) of the nodes :func:`node_keys` and :func:`organizer_keys` name, as the store
    holds them. The snapshot these make holds these people alone, so
    :func:`~mapper.analytics.follow_ups.open_items` finds exactly their items.
    """
    people = set(people)
    mine = [s for s in sources if s.campaign == campaign and s.person in people]
    convs, commitments, updates, organizers = [], [], [], {}
    for s in mine:
        props = nodes.get(s.id)
        if props is None:
            continue
        if s.kind == "update":
            updates.append((props, s.person))
            continue
        org = f"organizer:{campaign}:{normalize(props.get('organizer') or '')}"
        if org in nodes:
            organizers[org] = nodes[org].get("name")
        convs.append((props, s.person, org))
        com = nodes.get(f"commitment:{campaign}:{s.id.split(':', 2)[2]}")
        if com is not None:
            commitments.append((props["id"], com))
    names = [(p, nodes[p].get("name")) for p in sorted(people) if p in nodes]
    snap = build_snapshot(SnapshotRows(campaign, people=names, conversations=convs,
                                       commitments=commitments, updates=updates,
                                       organizers=list(organizers.items())))
    out = []
    for i in open_items(snap, thank_you_days=THANK_YOU_DAYS):
        p = snap.people.get(i["person"])
        out.append(Item(campaign, i["person"], i["id"], i["kind"], i["conversation"],
                        i["organizer"], p.name if p is not None else i["person"],
                        i["what"] if i["kind"] == "thank_you" else None,
                        i["conversation_date"].isoformat(), i["due"].isoformat()))
    return out


def follow_ups(items: Iterable[Item], organizers: Iterable[str], *, today: dt.date,
               horizon_days: int = 7,
               texts: Callable[[list[str]], Mapping[str, ConversationText]] | None = None,
               counts: Mapping[str, tuple[int, int]] | None = None) -> dict[str, Any]:
    """:func:`mapper.analytics.follow_ups.follow_ups` answered from stored items.

    ``items`` are the campaign's stored items (those due by ``today + horizon_days`` are
    enough); ``organizers`` every organizer's name in the campaign; ``texts`` reads the words
    of the given 1-on-1s (own ids) for a reader allowed to see them — only those of the items
    shown are asked for. The answer is the one the snapshot gives with those words.

    ``counts`` (``{organizer: (overdue, items)}``), when ``items`` are one page of the list:
    each organizer's and the totals' counts come from it, the items listed from ``items``.
    """
    last = _after(today, horizon_days)
    kept = [i for i in items if dt.date.fromisoformat(i.due) <= last]
    wanted = sorted({i.conversation for i in kept if i.kind != "thank_you"})
    words = texts(wanted) if texts and wanted else {}
    by_org: dict[str, list[dict[str, Any]]] = {}
    for i in kept:
        due = dt.date.fromisoformat(i.due)
        days = (today - due).days
        if i.kind == "thank_you":
            what = i.what
        else:
            w = words.get(i.conversation)
            text = (w.assignment if i.kind == "assignment" else w.action) if w else None
            what = text or UNNAMED[i.kind]
        by_org.setdefault(i.organizer, []).append({
            "id": i.id, "person": i.person, "conversation": i.conversation, "name": i.name,
            "kind": i.kind, "what": what, "conversation_date": i.conversation_date,
            "due": i.due, "days_overdue": days, "status": "overdue" if days > 0 else "due"})
    out = []
    totals = {"overdue": 0, "due": 0}
    named = set(organizers) | set(by_org) | set(counts or ())
    for org in sorted(named, key=lambda o: (o.casefold(), o)):
        shown = sorted(by_org.get(org, []), key=lambda i: (
            -i["days_overdue"], _KIND_ORDER[i["kind"]], i["name"], i["person"], i["what"]))
        if counts is None:
            overdue, n = sum(1 for i in shown if i["status"] == "overdue"), len(shown)
        else:
            overdue, n = counts.get(org, (0, 0))
        totals["overdue"] += overdue
        totals["due"] += n - overdue
        out.append({"organizer": org, "overdue": overdue, "due": n - overdue, "items": shown})
    return {"today": today.isoformat(), "horizon_days": horizon_days, "organizers": out,
            "totals": totals}


def _after(day: dt.date, days: int) -> dt.date:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min
