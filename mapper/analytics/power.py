"""Power map: who holds the power to fix each problem, whom they answer to, and who can reach them."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping
from itertools import repeat
from typing import Any

from mapper.analytics._common import (UNKNOWN_UNIT, angry_issues, committed_people,
                                      issue_counts, issue_name, latest_anger_pairs, latest_named,
                                      person_name, trust_paths)
from mapper.analytics.status import present
from mapper.snapshot import DecisionMaker, Snapshot

__all__ = ["power_map", "power_ranking", "chain_of_command", "rank_named", "ranking_of",
           "ranked_issues", "ranked_overall"]


def chain_of_command(snapshot: Snapshot, dm: str) -> tuple[list[str], bool]:
    """The keys ``dm`` answers to, nearest first, and whether the chain loops back on itself.

    Examples
    --------
    >>> from mapper.analytics.examples import CampaignBuilder
    >>> b = CampaignBuilder("c")
    >>> _ = b.boss("Ceo", reports_to="Board"); _ = b.boss("Board", reports_to="Ceo")
    >>> chain_of_command(b.snapshot(), "dm:c:ceo")
    (['dm:c:board'], True)
    """
    chain: list[str] = []
    seen = {dm}
    node = snapshot.decision_makers.get(dm)
    while node is not None and node.reports_to:
        boss = node.reports_to
        if boss in seen:
            return chain, True
        seen.add(boss)
        chain.append(boss)
        node = snapshot.decision_makers.get(boss)
    return chain, False


def _dm(snapshot: Snapshot, key: str) -> DecisionMaker:
    return snapshot.decision_makers.get(key) or DecisionMaker(key, key)


def _ref(snapshot: Snapshot, key: str) -> dict[str, Any]:
    dm = _dm(snapshot, key)
    return {"key": key, "name": dm.name, "title": dm.title}


def _named(snapshot: Snapshot, pairs: dict[tuple[str, str], int | None]
           ) -> tuple[dict[str, dict[str, list[int]]], dict[str, set[str]]]:
    """``{issue: {decision maker: [people naming them, their summed anger]}}`` (a person's
    latest naming for an issue counts, with their latest anger about it), and who names each
    decision maker."""
    by_issue: dict[str, dict[str, list[int]]] = {}
    named_people: dict[str, set[str]] = {}
    for (person, issue), dms in latest_named(snapshot).items():
        a = pairs.get((person, issue)) or 0
        for dm in dms:
            cell = by_issue.setdefault(issue, {}).setdefault(dm, [0, 0])
            cell[0] += 1
            cell[1] += a
            named_people.setdefault(dm, set()).add(person)
    return by_issue, named_people


def rank_named(cells: Any, name_of: Any, first: int | None = None) -> list[tuple[str, int, int]]:
    """``(decision maker, people, anger)`` of ``cells`` (``(key, people, anger)``), most
    people first, then most anger, then name (``name_of(key)``) and key; the first ``first``."""
    key = lambda c: (-c[1], -c[2], name_of(c[0]), c[0])  # noqa: E731
    cells = list(cells)
    return sorted(cells, key=key) if first is None else heapq.nsmallest(first, cells, key=key)


class _Refs(dict):
    """Decision makers' refs by key, each made once (``make(key)``) however many pairs name
    her: at a million people an export ranks 147k pairs, each read by the sort and the entry."""

    def __init__(self, make: Callable[[str], dict[str, Any]]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: str) -> dict[str, Any]:
        found = self[key] = self.make(key)
        return found


def _ranked(cells: Iterable[tuple[str, int, int]], refs: _Refs, first: int | None
            ) -> list[tuple[str, int, int]]:
    """:func:`rank_named` by the names of ``refs`` (one lookup a pair, no call of ours)."""
    key = lambda c: (-c[1], -c[2], refs[c[0]]["name"], c[0])  # noqa: E731
    return sorted(cells, key=key) if first is None else heapq.nsmallest(first, cells, key=key)


def ranked_issues(issues: Mapping[str, tuple[str, int, int, int]],
                  tops: Mapping[str, Iterable[tuple[str, int, int]]],
                  ref: Callable[[str], dict[str, Any]], first: int | None = None
                  ) -> list[dict[str, Any]]:
    """The power map's issues from ``{key: (name, angry, decision makers named, namings)}``
    and the pairs ``(decision maker, people, anger)`` each issue's first ``first`` are among
    (``ref(key)``: a decision maker's key, name and title): the most named issues first."""
    refs = _Refs(ref)
    out = [{"key": key, "name": name, "angry": angry, "named": named, "namings": namings,
            "decision_makers": [{**refs[dm], "people": n, "anger": a}
                                for dm, n, a in _ranked(tops.get(key, ()), refs, first)]}
           for key, (name, angry, named, namings) in issues.items()]
    out.sort(key=lambda i: (-i["namings"], -i["angry"], i["name"], i["key"]))
    return out


def ranked_overall(pairs: Iterable[tuple[str, int, int]], issues: Mapping[str, int],
                   ref: Callable[[str], dict[str, Any]], first: int | None = None
                   ) -> list[dict[str, Any]]:
    """The decision makers ranked over every issue, from their ``(decision maker, times
    named, anger)`` and ``issues`` (how many issues each is named for)."""
    refs = _Refs(ref)
    return [{**refs[dm], "people": n, "anger": a, "issues": issues.get(dm, 0)}
            for dm, n, a in _ranked(pairs, refs, first)]


def _issues(snapshot: Snapshot, by_issue: dict[str, dict[str, list[int]]],
            angry_count: dict[str, int], first: int | None = None) -> list[dict[str, Any]]:
    """The power map's issues (:func:`ranked_issues`) of a snapshot."""
    return ranked_issues(
        {i: (issue_name(snapshot, i), angry_count.get(i, 0), len(by_issue.get(i, {})),
             sum(n for n, _ in by_issue.get(i, {}).values()))
         for i in set(by_issue) | set(angry_count)},
        {i: [(dm, n, a) for dm, (n, a) in dms.items()] for i, dms in by_issue.items()},
        lambda key: _ref(snapshot, key), first)


def power_ranking(snapshot: Snapshot, *, first: int | None = None,
                  min_anger: int = 3) -> dict[str, Any]:
    """The power map's rankings alone: per issue, the decision makers people name for it
    (as :func:`power_map` ranks them), and every decision maker ranked by the times named
    over all issues (a person naming one for two issues counts twice), then by the anger of
    those namings. ``first``: how many decision makers each ranking lists (all: None).

    What a write changes at once: a store keeps these counts with each write
    (:mod:`mapper.readmodel`), where the rest of the power map (areas, trusted paths) needs
    the whole graph.

    Returns
    -------
    dict
        ``issues`` [``key``, ``name``, ``angry``, ``named`` (decision makers named for it),
        ``namings``, ``decision_makers`` [``key``, ``name``, ``title``, ``people``,
        ``anger``]], the most named first; ``decision_makers`` [``key``, ``name``, ``title``,
        ``people`` (times named), ``anger``, ``issues`` (how many issues)]; ``named`` (how
        many decision makers are named at all).

    Examples
    --------
    >>> from mapper.analytics.examples import example_snapshot
    >>> r = power_ranking(example_snapshot(), first=1)
    >>> [(i["name"], i["named"], [d["name"] for d in i["decision_makers"]]) for i in r["issues"]][:2]
    [('parking', 1, ['Lee Chu']), ('short staffing', 1, ['Carl Reyes'])]
    >>> [(d["name"], d["people"], d["anger"], d["issues"]) for d in r["decision_makers"]], r["named"]
    ([('Carl Reyes', 2, 9, 1)], 2)
    """
    snapshot = present(snapshot)
    pairs = latest_anger_pairs(snapshot)
    angry_count = issue_counts(angry_issues(snapshot, min_anger, pairs=pairs))
    by_issue, _ = _named(snapshot, pairs)
    overall: dict[str, list[int]] = {}
    for dms in by_issue.values():
        for dm, (n, a) in dms.items():
            cell = overall.setdefault(dm, [0, 0, 0])
            cell[0] += n
            cell[1] += a
            cell[2] += 1
    return {"issues": _issues(snapshot, by_issue, angry_count, first),
            "decision_makers": ranked_overall(
                [(dm, n, a) for dm, (n, a, _) in overall.items()],
                {dm: c[2] for dm, c in overall.items()}, lambda key: _ref(snapshot, key), first),
            "named": len(overall)}


def ranking_of(power: dict[str, Any], first: int | None = None) -> dict[str, Any]:
    """:func:`power_ranking`'s answer from a :func:`power_map` answer of the same snapshot
    (its issues hold every decision maker named, with their people and anger): what a kept
    power map gives while a store's read model is being rebuilt, where a new snapshot of a
    million people takes minutes.

    >>> from mapper.analytics.examples import example_snapshot
    >>> snap = example_snapshot()
    >>> ranking_of(power_map(snap), 1) == power_ranking(snap, first=1)
    True
    """
    overall: dict[str, list] = {}
    for issue in power["issues"]:
        for d in issue["decision_makers"]:
            cell = overall.setdefault(d["key"], [d, 0, 0, 0])
            cell[1] += d["people"]
            cell[2] += d["anger"]
            cell[3] += 1
    ranked = rank_named(((key, n, a) for key, (_, n, a, _) in overall.items()),
                        lambda key: overall[key][0]["name"], first)
    return {"issues": [{**i, "named": len(i["decision_makers"]),
                        "namings": sum(d["people"] for d in i["decision_makers"]),
                        "decision_makers": i["decision_makers"][:first] if first is not None
                        else i["decision_makers"]} for i in power["issues"]],
            "decision_makers": [{"key": key, "name": overall[key][0]["name"],
                                 "title": overall[key][0]["title"], "people": n, "anger": a,
                                 "issues": overall[key][3]} for key, n, a in ranked],
            "named": len(overall)}


def power_map(snapshot: Snapshot, *, min_anger: int = 3) -> dict[str, Any]:
    """Per issue, the decision makers people hold responsible; per decision maker, their reach.

    For each issue, decision makers are ranked by how many people name them for it (a person's
    latest naming for that issue counts), then by the summed latest anger of those people on
    that issue. For each decision maker: the chain of whom they answer to (``reports_to``
    followed upward; a loop stops it and sets ``chain_cycle``), the issues they are named for,
    ``affected`` — the people angry (anger >= ``min_anger``) about one of those issues in the
    decision maker's *area* — and ``affected_in_chain``, the same counted over them and everyone
    who answers to them (the power to fix a manager's problem also sits above the manager).

    The area is where the people who named them work (``area_units``; any unit when no namer's
    unit is known): a unit manager named for short staffing affects the angry people of the
    units that name them, not everyone in the campaign angry about short staffing. Scoping by
    area also keeps the work near linear in people (about people x hierarchy depth), where
    counting every angry person for every decision maker grows with their product.

    A decision maker is not in the trust graph, so the trusted path ends in their area: the
    people who named them, and the people angry about an issue they are named for there.
    The path is the shortest one over ties and referrals (undirected) from any committed member
    (latest answer "yes") to anyone in the area; among equally near people the most affected
    (highest summed anger on the decision maker's issues) wins, then name. One breadth-first
    search from all committed members serves every decision maker. A committed member inside
    the area gives a path of length 0: someone on our side is affected already.

    Returns
    -------
    dict
        ``committed`` (how many members the paths start from), ``issues`` [``key``, ``name``,
        ``angry``, ``decision_makers`` [``key``, ``name``, ``title``, ``people``, ``anger``]]
        and ``decision_makers`` [``key``, ``name``, ``title``, ``organization``, ``chain``
        [``key``, ``name``, ``title``], ``chain_cycle``, ``direct_reports`` [``key``,
        ``name``], ``issues`` [``key``, ``name``, ``named_by``, ``angry``], ``affected``,
        ``affected_in_chain``, ``area_units``, ``trust_path`` (``path`` names, ``keys``,
        ``length``, or ``None``)], most affected first.

    Examples
    --------
    >>> from mapper.analytics.examples import example_snapshot
    >>> r = power_map(example_snapshot())
    >>> staffing = next(i for i in r["issues"] if i["name"] == "short staffing")
    >>> [(d["name"], d["people"], d["anger"]) for d in staffing["decision_makers"]]
    [('Carl Reyes', 2, 9)]
    >>> carl = r["decision_makers"][0]
    >>> carl["name"], [c["name"] for c in carl["chain"]], carl["affected"]
    ('Carl Reyes', ['Dana Park'], 3)
    >>> carl["trust_path"]
    {'path': ['Ana Lopez'], 'keys': ['person:st-lukes:ana lopez'], 'length': 0}
    >>> r["decision_makers"][1]["trust_path"]["path"]
    ['Ben Ortiz', 'Dee Wong']
    """
    snapshot = present(snapshot)  # people who left the workplace count no more
    pairs = latest_anger_pairs(snapshot)
    angry = angry_issues(snapshot, min_anger, pairs=pairs)
    angry_count = issue_counts(angry)
    by_issue, named_people = _named(snapshot, pairs)
    issues_out = _issues(snapshot, by_issue, angry_count)

    dm_issues: dict[str, dict[str, int]] = {}  # dm -> issue -> people naming
    for issue, dms in by_issue.items():
        for dm, (n, _) in dms.items():
            dm_issues.setdefault(dm, {})[issue] = n
    reports: dict[str, list[str]] = {}
    for key, dm in snapshot.decision_makers.items():
        if dm.reports_to:
            reports.setdefault(dm.reports_to, []).append(key)

    committed = committed_people(snapshot)
    trust_search = trust_paths(snapshot, committed)
    dist = trust_search.dist
    keys = set(snapshot.decision_makers) | set(dm_issues)
    # The angry people per (issue, unit), and per issue for a decision maker without an area.
    people = snapshot.people
    unit_now: dict[str, str] = {}
    for key, p in people.items():
        unit_now[key] = p.unit or UNKNOWN_UNIT
    in_unit: dict[tuple[str, str], list[str]] = {}
    in_issue: dict[str, list[str]] = {}
    for person, issues in angry.items():
        u = unit_now.get(person, UNKNOWN_UNIT)
        for i in issues:
            in_unit.setdefault((i, u), []).append(person)
            in_issue.setdefault(i, []).append(person)
    area_units: dict[str, set[str]] = {}
    affected: dict[str, set[str]] = {}  # dm -> angry people in their area
    for key in keys:
        units = set(map(unit_now.get, named_people.get(key, ()), repeat(UNKNOWN_UNIT)))
        units.discard(UNKNOWN_UNIT)
        area_units[key] = units
        members: set[str] = set()
        issues = dm_issues.get(key, ())
        if units:
            for i in issues:
                for u in units:
                    who = in_unit.get((i, u))
                    if who:
                        members.update(who)
        else:
            for i in issues:
                members.update(in_issue.get(i, ()))
        affected[key] = members
    chains = {key: chain_of_command(snapshot, key) for key in keys}
    # Those above someone count everyone below them too; the others count their own area.
    in_chain: dict[str, set[str]] = dict(affected)
    for key in keys:
        for boss in chains[key][0]:
            if boss in in_chain:
                if in_chain[boss] is affected[boss]:
                    in_chain[boss] = set(affected[boss])
                in_chain[boss].update(affected[key])

    def score(key: str, person: str) -> int:
        # Summed anger on the decision maker's issues, for an angry person in their area.
        units = area_units[key]
        mine = angry.get(person)
        if not mine or (units and unit_now.get(person, UNKNOWN_UNIT) not in units):
            return 0
        issues = dm_issues.get(key, {})
        return sum([a for i, a in mine.items() if i in issues])

    out = []
    for key in keys:
        dm = _dm(snapshot, key)
        issues = dm_issues.get(key, {})
        units = area_units[key]
        # The area: who named them, and the angry people in the units those namers work in.
        area = affected[key].union(named_people.get(key, ()))
        hops = list(map(dist, area))
        near = min([h for h in hops if h is not None], default=None)
        trust = None
        if near is not None:
            # Nearest, then most affected, then name: the costly keys only break ties.
            tied = [p for p, h in zip(area, hops) if h == near]
            scores = {p: score(key, p) for p in tied}
            most = max(scores.values())
            target = min((p for p in tied if scores[p] == most),
                         key=lambda p: (person_name(snapshot, p), p))
            path = trust_search.path(target)
            trust = {"path": [person_name(snapshot, p) for p in path], "keys": path,
                     "length": len(path) - 1}
        chain, cycle = chains[key]
        out.append({
            "key": key,
            "name": dm.name,
            "title": dm.title,
            "organization": dm.organization,
            "chain": [_ref(snapshot, b) for b in chain],
            "chain_cycle": cycle,
            "direct_reports": sorted(({"key": r, "name": _dm(snapshot, r).name}
                                      for r in reports.get(key, ())),
                                     key=lambda d: (d["name"], d["key"])),
            "issues": sorted(({"key": i, "name": issue_name(snapshot, i), "named_by": n,
                               "angry": angry_count.get(i, 0)} for i, n in issues.items()),
                             key=lambda i: (-i["named_by"], -i["angry"], i["name"], i["key"])),
            "affected": len(affected[key]),
            "affected_in_chain": len(in_chain[key]),
            "area_units": sorted(units),
            "trust_path": trust,
        })
    out.sort(key=lambda d: (-d["affected"], -sum(i["named_by"] for i in d["issues"]),
                            -d["affected_in_chain"], d["name"], d["key"]))
    return {"committed": len(committed), "issues": issues_out,
            "decision_makers": out}
