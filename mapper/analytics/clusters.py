"""Anger clusters: which issues many people feel strongly about, together, and the common ground."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from mapper.analytics._common import (UNKNOWN_UNIT, angry_issues, issue_name, latest_named,
                                      unit_of)
from mapper.analytics.status import present
from mapper.snapshot import Snapshot

if TYPE_CHECKING:  # (imported where a graph is built: a kept answer served needs no networkx,
    import networkx as nx  # 0.1-0.15 s of a command's start)

__all__ = ["issue_graph", "anger_clusters", "unit_issue_matrix", "bridging_threshold"]


def _issue_stats(snapshot: Snapshot, angry: dict[str, dict[str, int]]) -> tuple[dict, Counter]:
    stats: dict[str, list[int]] = {}  # issue -> [people, total anger]
    pairs: Counter = Counter()
    for issues in angry.values():
        keys = sorted(issues)
        for i, a in enumerate(keys):
            s = stats.setdefault(a, [0, 0])
            s[0] += 1
            s[1] += issues[a]
            for b in keys[i + 1:]:
                pairs[(a, b)] += 1
    return stats, pairs


def issue_graph(snapshot: Snapshot, *, min_anger: int = 3) -> nx.Graph:
    """The issue graph: issues people are angry about, linked by the people angry about both.

    Nodes are issue keys with ``name``, ``people`` (how many are angry, anger >= ``min_anger``,
    from each person's latest mention), ``total_anger`` and ``mean_anger``; an edge's
    ``weight`` is the number of people angry about both ends. Nodes and edges are added in
    sorted order, so the graph is the same whatever order the snapshot holds its rows in.

    Examples
    --------
    >>> from mapper.analytics.examples import example_snapshot
    >>> G = issue_graph(example_snapshot())
    >>> G.nodes["issue:st-lukes:short staffing"]["people"]
    3
    >>> G["issue:st-lukes:mandatory overtime"]["issue:st-lukes:short staffing"]["weight"]
    2
    """
    snapshot = present(snapshot)  # people who left the workplace count no more
    return _issue_graph(snapshot, angry_issues(snapshot, min_anger))


def _issue_graph(snapshot: Snapshot, angry: dict[str, dict[str, int]]) -> nx.Graph:
    import networkx as nx

    stats, pairs = _issue_stats(snapshot, angry)
    G = nx.Graph()
    for key in sorted(stats):
        people, total = stats[key]
        G.add_node(key, name=issue_name(snapshot, key), people=people, total_anger=total,
                   mean_anger=round(total / people, 2))
    for (a, b) in sorted(pairs):
        G.add_edge(a, b, weight=pairs[(a, b)])
    return G


def _communities(G: nx.Graph, seed: int, resolution: float) -> list[list[str]]:
    # Louvain on integer labels: sets of ints iterate the same in every process, whereas sets
    # of strings follow PYTHONHASHSEED, which would make the partition differ between runs.
    import networkx as nx

    order = sorted(G)
    index = {k: i for i, k in enumerate(order)}
    H = nx.Graph()
    H.add_nodes_from(range(len(order)))
    H.add_weighted_edges_from(sorted((index[a], index[b], w) if index[a] < index[b]
                                     else (index[b], index[a], w)
                                     for a, b, w in G.edges(data="weight")))
    if H.number_of_nodes() == 0:
        return []
    parts = nx.community.louvain_communities(H, weight="weight", resolution=resolution, seed=seed)
    return [[order[i] for i in sorted(p)] for p in parts]


def _counted(counter: Counter, label: str) -> list[dict[str, Any]]:
    return [{label: k, "people": n} for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


def anger_clusters(snapshot: Snapshot, *, min_anger: int = 3, seed: int = 0,
                   resolution: float = 1.0) -> dict[str, Any]:
    """Where shared anger clusters: communities of issues the same people are angry about.

    A person counts for an issue when their latest mention of it has anger >= ``min_anger``.
    Issues are linked by how many people are angry about both, and grouped with Louvain
    community detection (``seed`` and ``resolution`` passed through; the graph is built in
    sorted order, so the answer does not depend on input order).

    An issue is *bridging* — common ground — when the people angry about it work in at least a
    third of the units where anyone is angry at this level (rounded up, and never fewer than
    two units); people without a known unit do not count. ``linked_clusters`` (the other
    clusters its angry people also care about) is told for information only: links alone do
    not make an issue bridging, so an issue found in a single unit never bridges.

    Parameters
    ----------
    snapshot : Snapshot
    min_anger : int, default 3
        The anger (0..5) from which a person counts as angry about an issue.
    seed : int, default 0
        Seed of the community detection.
    resolution : float, default 1.0
        Louvain resolution: above 1 favours smaller clusters.

    Returns
    -------
    dict
        ``min_anger``, ``clusters`` (largest first: ``id``, ``name`` (its top two issues, e.g.
        "short staffing · mandatory overtime"), ``issues`` [``key``, ``name``,
        ``people``, ``total_anger``, ``mean_anger``, ``bridging``], ``people``, ``mean_anger``
        (over the angry person-issue mentions in the cluster), ``units`` [``unit``, ``people``],
        ``decision_makers`` [``key``, ``name``, ``title``, ``people`` naming them for the
        cluster's issues]), ``links`` [``a``, ``b``, ``people``] and ``bridging`` [``key``,
        ``name``, ``people``, ``units`` [``unit``, ``people``], ``cluster`` (its own),
        ``linked_clusters`` (ids of others its angry people also care about), ``reasons``], most
        units first; ``units_angry`` (known units with angry people) and ``bridging_units``
        (how many of them an issue must reach to bridge).

    Examples
    --------
    >>> from mapper.analytics.examples import example_snapshot
    >>> r = anger_clusters(example_snapshot())
    >>> [i["name"] for i in r["clusters"][0]["issues"]]
    ['short staffing', 'mandatory overtime']
    >>> [i["name"] for i in r["clusters"][1]["issues"]]
    ['parking', 'pay']
    >>> b = r["bridging"][0]
    >>> b["name"], [u["unit"] for u in b["units"]], b["linked_clusters"]
    ('parking', ['ER', 'ICU', 'Med-Surg'], [0])
    >>> r["bridging_units"], [b["name"] for b in r["bridging"]]
    (2, ['parking', 'short staffing', 'mandatory overtime', 'pay'])
    """
    snapshot = present(snapshot)  # people who left the workplace count no more
    angry = angry_issues(snapshot, min_anger)
    G = _issue_graph(snapshot, angry)
    communities = _communities(G, seed, resolution)

    # Per issue: the units of its angry people, and the people themselves per cluster.
    issue_units: dict[str, Counter] = {k: Counter() for k in G}
    for person, issues in angry.items():
        u = unit_of(snapshot, person)
        for i in issues:
            issue_units[i][u] += 1
    named_by: dict[str, dict[str, set[str]]] = {}  # issue -> dm -> people
    for (person, issue), dms in latest_named(snapshot).items():
        if issue in G:
            for dm in dms:
                named_by.setdefault(issue, {}).setdefault(dm, set()).add(person)

    def issue_order(k: str) -> tuple:
        return (-G.nodes[k]["people"], G.nodes[k]["name"], k)

    # Per cluster: members (sorted), angry people, their units, decision makers named.
    raw: list[tuple[list[str], set[str], Counter, dict[str, set[str]]]] = [
        (sorted(members, key=issue_order), set(), Counter(), {}) for members in communities]
    # One pass over people fills every cluster (not one pass per cluster).
    cluster_of = {k: ci for ci, (members, *_rest) in enumerate(raw) for k in members}
    sums = [[0, 0] for _ in raw]  # mentions, total anger
    for person, issues in angry.items():
        seen: set[int] = set()
        u = unit_of(snapshot, person)
        for i, a in issues.items():
            ci = cluster_of[i]
            sums[ci][0] += 1
            sums[ci][1] += a
            if ci not in seen:
                seen.add(ci)
                raw[ci][1].add(person)
                raw[ci][2][u] += 1
    for members, _, _, dms in raw:
        for i in members:
            for dm, who in named_by.get(i, {}).items():
                dms.setdefault(dm, set()).update(who)

    # Bridging: angry people in a third of the units (see bridging_threshold).
    bridging = []
    crossing: dict[str, set[int]] = {}
    for a, b in G.edges():
        if cluster_of[a] != cluster_of[b]:
            crossing.setdefault(a, set()).add(cluster_of[b])
            crossing.setdefault(b, set()).add(cluster_of[a])

    clusters_sorted = sorted(range(len(raw)), key=lambda ci: (
        -len(raw[ci][1]), -sums[ci][1], issue_order(raw[ci][0][0])))
    new_id = {ci: n for n, ci in enumerate(clusters_sorted)}
    # A cluster is named by its top issues (most people angry), as people talk about it.
    label = {new_id[ci]: " · ".join(G.nodes[k]["name"] for k in raw[ci][0][:2])
             for ci in range(len(raw))}

    all_units = {u for units in issue_units.values() for u in units if u != UNKNOWN_UNIT}
    need = bridging_threshold(len(all_units))
    bridging_keys = set()
    for k in G:
        known = [u for u in issue_units[k] if u != UNKNOWN_UNIT]
        other = sorted(new_id[c] for c in crossing.get(k, ()))
        if len(known) >= need:
            reasons = [f"angry people in {len(known)} of {len(all_units)} units"]
            if other:
                reasons.append("its angry people also care about "
                               + "; ".join(f'"{label[c]}"' for c in other))
            bridging_keys.add(k)
            bridging.append({
                "key": k,
                "name": G.nodes[k]["name"],
                "people": G.nodes[k]["people"],
                "units": _counted(issue_units[k], "unit"),
                "cluster": new_id[cluster_of[k]],
                "linked_clusters": other,
                "reasons": reasons,
            })
    bridging.sort(key=lambda b: (-sum(u["unit"] != UNKNOWN_UNIT for u in b["units"]),
                                 -b["people"], b["name"], b["key"]))

    clusters = []
    for ci in clusters_sorted:
        members, people, units, dms = raw[ci]
        mentions, total = sums[ci]
        clusters.append({
            "id": new_id[ci],
            "name": label[new_id[ci]],
            "issues": [{"key": k, "name": G.nodes[k]["name"], "people": G.nodes[k]["people"],
                        "total_anger": G.nodes[k]["total_anger"],
                        "mean_anger": G.nodes[k]["mean_anger"], "bridging": k in bridging_keys}
                       for k in members],
            "people": len(people),
            "mean_anger": round(total / mentions, 2) if mentions else None,
            "units": _counted(units, "unit"),
            "decision_makers": sorted(
                ({"key": dm, "name": _dm_name(snapshot, dm), "title": _dm_title(snapshot, dm),
                  "people": len(who)} for dm, who in dms.items()),
                key=lambda d: (-d["people"], d["name"], d["key"])),
        })
    links = [{"a": a, "b": b, "people": w} for a, b, w in sorted(
        ((a, b, w) if a < b else (b, a, w) for a, b, w in G.edges(data="weight")),
        key=lambda e: (-e[2], e[0], e[1]))]
    return {"min_anger": min_anger, "clusters": clusters, "links": links, "bridging": bridging,
            "units_angry": len(all_units), "bridging_units": need}


def bridging_threshold(units: int) -> int:
    """How many units an issue's angry people must span to bridge: a third of ``units``
    (rounded up), and at least two.

    >>> [bridging_threshold(n) for n in (0, 2, 6, 7, 30)]
    [2, 2, 2, 3, 10]
    """
    return max(2, -(-units // 3))


def _dm_name(snapshot: Snapshot, key: str) -> str:
    dm = snapshot.decision_makers.get(key)
    return dm.name if dm is not None else key


def _dm_title(snapshot: Snapshot, key: str) -> str | None:
    dm = snapshot.decision_makers.get(key)
    return dm.title if dm is not None else None


def unit_issue_matrix(snapshot: Snapshot, *, min_anger: int = 3) -> dict[str, Any]:
    """Units × issues: how many people in each unit are angry about each issue (a heat map).

    Units are ordered by how many angry mentions they hold, issues by how many people are angry
    about them (ties by name); ``counts[u][i]`` belongs to ``units[u]`` and ``issues[i]``.

    Examples
    --------
    >>> from mapper.analytics.examples import example_snapshot
    >>> m = unit_issue_matrix(example_snapshot())
    >>> m["units"], [i["name"] for i in m["issues"]]
    (['ER', 'ICU', 'Med-Surg'], ['parking', 'short staffing', 'mandatory overtime', 'pay'])
    >>> m["counts"]
    [[1, 1, 1, 1], [1, 2, 1, 0], [1, 0, 0, 1]]
    """
    snapshot = present(snapshot)  # people who left the workplace count no more
    cells: Counter = Counter()
    for person, issues in angry_issues(snapshot, min_anger).items():
        u = unit_of(snapshot, person)
        for i in issues:
            cells[(u, i)] += 1
    unit_tot: Counter = Counter()
    issue_tot: Counter = Counter()
    for (u, i), n in cells.items():
        unit_tot[u] += n
        issue_tot[i] += n
    units = sorted(unit_tot, key=lambda u: (-unit_tot[u], u == UNKNOWN_UNIT, u))
    issues = sorted(issue_tot, key=lambda i: (-issue_tot[i], issue_name(snapshot, i), i))
    return {
        "min_anger": min_anger,
        "units": units,
        "issues": [{"key": i, "name": issue_name(snapshot, i)} for i in issues],
        "counts": [[cells.get((u, i), 0) for i in issues] for u in units],
    }
