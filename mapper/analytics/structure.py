"""Structure: per unit, how far the campaign is from a majority and an organizing committee."""

from __future__ import annotations

import math
import re
from typing import Any

from mapper.analytics._common import (UNKNOWN_UNIT, at_least, committed_people, contacted_people,
                                      pct, person_states, unit_members)
from mapper.analytics.status import present
from mapper.snapshot import Snapshot

__all__ = ["structure", "still_needed", "natural_key"]


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


def _row(unit: str, headcount: int, members: list[str], contacted: set[str],
         supporters: set[str], committed: set[str], leaders: set[str], in_roster: set[str],
         target: float, committee_ratio: int) -> dict[str, Any]:
    n_contacted = sum(1 for m in members if m in contacted)
    n_support = sum(1 for m in members if m in supporters)
    n_committed = sum(1 for m in members if m in committed)
    n_leaders = sum(1 for m in members if m in leaders)
    goal = at_least(target, headcount)
    committee = math.ceil(headcount / committee_ratio) if headcount else 0
    return {
        "unit": unit,
        "headcount": headcount,
        "contacted": n_contacted,
        "contacted_share": pct(n_contacted, headcount),
        "off_roster": sum(1 for m in members if m in contacted and m not in in_roster),
        "supporters": n_support,
        "supporter_share": pct(n_support, headcount),
        "target_supporters": goal,
        "supporters_needed": still_needed(n_support, headcount, target),
        "committed": n_committed,
        "leaders": n_leaders,
        "committee_needed": committee,
        "committee_gap": max(0, committee - n_committed),
        "reached_target": headcount > 0 and n_support >= goal,
    }


def structure(snapshot: Snapshot, *, target: float = 2 / 3,
              committee_ratio: int = 10) -> dict[str, Any]:
    """Per unit: headcount, contacted, supporters and committed, against a majority target.

    - **headcount**: roster people in the unit; a unit with no roster counts everyone known in it.
    - **contacted / supporters / committed / leaders**: people of the unit with at least one
      conversation / latest recorded assessment 1-2 / latest answer "yes" / assessment 1.
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
    snapshot = present(snapshot)
    contacted = contacted_people(snapshot)
    committed = committed_people(snapshot)
    states = person_states(snapshot)
    supporters = {p for p, s in states.items() if s.assessment in (1, 2)}
    leaders = {p for p, s in states.items() if s.assessment == 1}
    in_roster = {k for k, p in snapshot.people.items() if p.in_roster}
    members = unit_members(snapshot)
    units = [_row(u, headcount, ms, contacted, supporters, committed, leaders, in_roster,
                  target, committee_ratio)
             for u, (headcount, ms) in sorted(members.items(),
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
