"""Structure: per unit, how far the campaign is from a majority and an organizing committee."""

from __future__ import annotations

import math
import re
from typing import Any, NamedTuple

from mapper.analytics._common import (UNKNOWN_UNIT, at_least, committed_people, contacted_people,
                                      pct, person_states)
from mapper.analytics.status import present
from mapper.snapshot import Snapshot

__all__ = ["structure", "structure_of_units", "unit_counts", "UnitCounts", "still_needed",
           "natural_key"]


def natural_key(name: str) -> tuple:
    """Sort key reading the numbers in a name as numbers: units 1, 2, 10, 100, not 1, 10, 100, 2.

    >>> sorted(["Unit 10", "Unit 2", "unit 1", "Unit 100"], key=natural_key)
    ['unit 1', 'Unit 2', 'Unit 10', 'Unit 100']
    """
    parts = re.split(r"(\d+)", name.casefold())
    return tuple((0, int(p), p) if p.isdigit() else (1, 0, p) for p in parts) + (name,)


def still_needed(supporters: int, headcount: int, target: float) -> int:
    """Supporters still needed to reach ``target`` of ``headcount``: the one place it is computed.

    Every view (``mapper structure``, the Overview cards and chart) shows this per unit, and
    its sum over the units as the campaign's figure, so the total row adds up.

    >>> still_needed(20, 120, 2 / 3), still_needed(9, 12, 2 / 3), still_needed(0, 0, 0.5)
    (60, 0, 0)
    """
    return max(0, at_least(target, headcount) - supporters)


class UnitCounts(NamedTuple):
    """One unit's people by where they stand: what :func:`structure` adds up per unit.

    A read model keeps these counts (:mod:`mapper.readmodel`); a snapshot counts them with
    :func:`unit_counts`. ``people``: everyone known in the unit; ``roster``: those on the
    roster; ``off_roster``: contacted people not on it.
    """

    people: int = 0
    roster: int = 0
    contacted: int = 0
    off_roster: int = 0
    supporters: int = 0
    committed: int = 0
    leaders: int = 0

    def plus(self, other: tuple) -> "UnitCounts":
        return UnitCounts(*map(int.__add__, self, other))


def unit_counts(snapshot: Snapshot) -> dict[str, UnitCounts]:
    """``{unit: UnitCounts}`` of the people still in the workplace (the snapshot's units)."""
    snapshot = present(snapshot)
    contacted = contacted_people(snapshot)
    committed = committed_people(snapshot)
    states = person_states(snapshot)
    out: dict[str, UnitCounts] = {}
    for key, p in snapshot.people.items():
        st = states.get(key)
        a = st.assessment if st is not None else None
        c, yes = key in contacted, key in committed
        row = UnitCounts(1, int(p.in_roster), int(c), int(c and not p.in_roster),
                         int(a in (1, 2) or (a is None and yes)), int(yes), int(a == 1))
        u = p.unit or UNKNOWN_UNIT
        out[u] = out[u].plus(row) if u in out else row
    return out


def _row(unit: str, n: UnitCounts, target: float, committee_ratio: int) -> dict[str, Any]:
    headcount = n.roster or n.people
    goal = at_least(target, headcount)
    committee = math.ceil(headcount / committee_ratio) if headcount else 0
    return {
        "unit": unit,
        "headcount": headcount,
        "contacted": n.contacted,
        "contacted_share": pct(n.contacted, headcount),
        "off_roster": n.off_roster,
        "supporters": n.supporters,
        "supporter_share": pct(n.supporters, headcount),
        "target_supporters": goal,
        "supporters_needed": still_needed(n.supporters, headcount, target),
        "committed": n.committed,
        "leaders": n.leaders,
        "committee_needed": committee,
        "committee_gap": max(0, committee - n.committed),
        "reached_target": headcount > 0 and n.supporters >= goal,
    }


def structure(snapshot: Snapshot, *, target: float = 2 / 3,
              committee_ratio: int = 10) -> dict[str, Any]:
    """Per unit: headcount, contacted, supporters and committed, against a majority target.

    - **headcount**: roster people in the unit; a unit with no roster counts everyone known in it.
    - **contacted / supporters / committed / leaders**: people of the unit with at least one
      conversation / latest recorded assessment 1-2, or none recorded and committed (a yes
      is the only sign of someone never rated; a rating of 3-5 stands, yes or not) / latest
      answer "yes" / assessment 1.
      They count whether on the roster or not; ``off_roster`` says how many contacted people
      the roster is missing (then shares can pass 1: the roster needs updating).
    - **target_supporters**: the smallest count reaching ``target`` of the headcount;
      ``supporters_needed`` is how many more supporters that takes.
    - **committee_needed**: ``ceil(headcount / committee_ratio)`` committed members; the
      ``committee_gap`` is how many more committed people that takes.

    People who left the workplace (:func:`~mapper.analytics.status.left_people`) are out of
    every count, the headcount too. Units are sorted by name (numbers in names by value: 2
    before 10), people with no unit last. Totals add the units up, the target too: the
    campaign reaches it when every unit does, so ``supporters_needed`` is the sum of each
    unit's :func:`still_needed` (``supporters_needed_in_units`` is the same number, kept for
    older readers).

    Examples
    --------
    >>> from mapper.analytics.examples import example_snapshot
    >>> r = structure(example_snapshot())
    >>> [(u["unit"], u["headcount"], u["contacted"], u["supporters"], u["supporters_needed"])
    ...  for u in r["units"]]
    [('ER', 2, 2, 1, 1), ('ICU', 3, 2, 2, 0), ('Med-Surg', 2, 1, 0, 2)]
    >>> r["totals"]["supporters_needed"], r["totals"]["committee_gap"]
    (3, 1)
    """
    if not 0 < target <= 1:
        raise ValueError(f"target must be a share in (0, 1], not {target!r}")
    if committee_ratio < 1:
        raise ValueError(f"committee_ratio must be at least 1, not {committee_ratio!r}")
    return structure_of_units(unit_counts(snapshot), target=target,
                              committee_ratio=committee_ratio)


def structure_of_units(counts: dict[str, UnitCounts], *, target: float = 2 / 3,
                       committee_ratio: int = 10) -> dict[str, Any]:
    """:func:`structure` from each unit's counts (:func:`unit_counts`, or a read model's)."""
    if not 0 < target <= 1:
        raise ValueError(f"target must be a share in (0, 1], not {target!r}")
    if committee_ratio < 1:
        raise ValueError(f"committee_ratio must be at least 1, not {committee_ratio!r}")
    units = [_row(u, n, target, committee_ratio)
             for u, n in sorted(counts.items(),
                                key=lambda kv: (kv[0] == UNKNOWN_UNIT, natural_key(kv[0])))]
    head = sum(u["headcount"] for u in units)
    sums = {k: sum(u[k] for u in units)
            for k in ("contacted", "off_roster", "supporters", "committed", "leaders",
                      "committee_needed", "committee_gap")}
    needed = sum(u["supporters_needed"] for u in units)
    totals = {
        "headcount": head,
        "contacted": sums["contacted"],
        "contacted_share": pct(sums["contacted"], head),
        "off_roster": sums["off_roster"],
        "supporters": sums["supporters"],
        "supporter_share": pct(sums["supporters"], head),
        "target_supporters": sum(u["target_supporters"] for u in units),
        "supporters_needed": needed,
        "supporters_needed_in_units": needed,
        "committed": sums["committed"],
        "leaders": sums["leaders"],
        "committee_needed": sums["committee_needed"],
        "committee_gap": sums["committee_gap"],
        "units_at_target": sum(1 for u in units if u["reached_target"]),
    }
    return {"target": target, "committee_ratio": committee_ratio, "units": units,
            "totals": totals}
