"""Where each person stands: still in the workplace or left it, committed, asked, contacted."""

from __future__ import annotations

from dataclasses import replace

from mapper.analytics._common import committed_people, person_states
from mapper.snapshot import Snapshot, Update

__all__ = ["STATUSES", "latest_attempts", "left_people", "present", "person_status", "assignee"]

#: The statuses of :func:`person_status`, as the person page names them.
STATUSES = ("committed", "asked", "contacted", "not_reached", "uncontacted", "left")


def _order(u: Update) -> tuple:
    return (u.date, u.id)


def latest_attempts(snapshot: Snapshot) -> dict[str, Update]:
    """Each person's latest contact attempt (by date, then id), whatever its outcome."""
    out: dict[str, Update] = {}
    for u in snapshot.updates:
        if u.update == "attempt":
            old = out.get(u.person)
            if old is None or _order(u) > _order(old):
                out[u.person] = u
    return out


def left_people(snapshot: Snapshot) -> set[str]:
    """People who left the workplace: their latest attempt says "left" and no 1-on-1 came after it.

    A 1-on-1 dated after the "left" attempt brings the person back (they returned, or it was a
    mistake); one on the same day does not.

    Examples
    --------
    >>> from mapper.analytics.examples import CampaignBuilder
    >>> b = CampaignBuilder("c")
    >>> _ = b.talk("Ana", "2026-11-01"); _ = b.talk("Ben", "2026-11-01")
    >>> _ = b.log("Ana", "2026-11-10", "attempt", outcome="left")
    >>> _ = b.log("Ben", "2026-11-10", "attempt", outcome="left")
    >>> _ = b.talk("Ben", "2026-11-20")
    >>> sorted(left_people(b.snapshot()))
    ['person:c:ana']
    """
    latest = latest_attempts(snapshot)
    if not any(u.outcome == "left" for u in latest.values()):
        return set()
    last_talk: dict[str, object] = {}
    for c in snapshot.conversations:
        if c.person in latest and (c.person not in last_talk or c.date > last_talk[c.person]):
            last_talk[c.person] = c.date
    return {p for p, u in latest.items()
            if u.outcome == "left" and not (p in last_talk and last_talk[p] > u.date)}


def present(snapshot: Snapshot) -> Snapshot:
    """The snapshot without the people who left the workplace (:func:`left_people`).

    They leave every list and every headcount: their conversations, anger, ties, updates and
    contact assignments go with them. Without anyone gone, the snapshot itself is returned.

    >>> from mapper.analytics.examples import example_snapshot
    >>> s = example_snapshot()
    >>> present(s) is s
    True
    """
    gone = left_people(snapshot)
    if not gone:
        return snapshot
    out = [c for c in snapshot.conversations if c.person in gone]
    their_talks = {c.id for c in out}
    return replace(
        snapshot,
        people={k: p for k, p in snapshot.people.items() if k not in gone},
        conversations=[c for c in snapshot.conversations if c.person not in gone],
        anger=[a for a in snapshot.anger if a.person not in gone],
        named=[n for n in snapshot.named if n.person not in gone],
        ties=[t for t in snapshot.ties if t.a not in gone and t.b not in gone],
        skills={k: v for k, v in snapshot.skills.items() if k not in gone},
        texts={k: v for k, v in snapshot.texts.items() if k not in their_talks},
        updates=[u for u in snapshot.updates if u.person not in gone],
        assignments={k: v for k, v in snapshot.assignments.items() if k not in gone},
    )


def person_status(snapshot: Snapshot) -> dict[str, str]:
    """Every known person's status, the first of these that holds:

    - ``left``: left the workplace (:func:`left_people`);
    - ``committed``: their latest answered ask was "yes";
    - ``asked``: asked in a 1-on-1, or in a contact attempt marked as an ask, and not committed;
    - ``contacted``: at least one 1-on-1, never asked;
    - ``not_reached``: no 1-on-1 yet, but contact was attempted (no answer, wrong number,
      not now, refused);
    - ``uncontacted``: nothing recorded with them yet.

    Examples
    --------
    >>> from mapper.analytics.examples import CampaignBuilder
    >>> b = CampaignBuilder("c")
    >>> _ = b.talk("Ana", "2026-11-01", response="yes"); _ = b.talk("Ben", "2026-11-01")
    >>> _ = b.log("Cy", "2026-11-02", "attempt", outcome="no_answer"); _ = b.person("Dee")
    >>> _ = b.log("Ben", "2026-11-03", "attempt", outcome="not_now", asked=True)
    >>> person_status(b.snapshot())  # doctest: +NORMALIZE_WHITESPACE
    {'person:c:ana': 'committed', 'person:c:ben': 'asked', 'person:c:cy': 'not_reached',
     'person:c:dee': 'uncontacted'}
    """
    gone = left_people(snapshot)
    committed = committed_people(snapshot)
    states = person_states(snapshot)
    tried = {u.person for u in snapshot.updates if u.update == "attempt"}
    asked = {u.person for u in snapshot.updates if u.update == "attempt" and u.asked}
    asked.update(p for p, st in states.items() if st.last_ask is not None)
    out = {}
    for key in sorted(set(snapshot.people) | set(states) | tried):
        out[key] = ("left" if key in gone else "committed" if key in committed
                    else "asked" if key in asked else "contacted" if key in states
                    else "not_reached" if key in tried else "uncontacted")
    return out


def assignee(snapshot: Snapshot, person: str) -> str | None:
    """The name of the organizer the contact is assigned to, or None.

    >>> from mapper.analytics.examples import CampaignBuilder
    >>> b = CampaignBuilder("c")
    >>> b.assign("Ana", "Maya Ortiz")
    >>> assignee(b.snapshot(), "person:c:ana"), assignee(b.snapshot(), "person:c:ben")
    ('Maya Ortiz', None)
    """
    a = snapshot.assignments.get(person)
    if a is None:
        return None
    return snapshot.organizers.get(a.organizer) or a.organizer.split(":", 2)[-1]
