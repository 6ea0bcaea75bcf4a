"""Figure builders: analytics results in, plotly figures and cytoscape elements out. No data access."""

from __future__ import annotations

import math
import random
import threading
from typing import Any

import plotly.graph_objects as go

__all__ = [
    "PALETTE", "LAYOUT_LIMIT", "plot_text", "empty_figure", "timeline_figure", "assessment_figure",
    "commitments_figure", "structure_figure", "heatmap_figure", "cluster_elements",
    "cluster_stylesheet", "cluster_legend", "power_elements", "power_stylesheet", "ranking_figure",
    "follow_ups_figure", "FOLLOW_TOP", "all_issues_ranking_figure", "ego_elements", "ego_stylesheet", "network_layout", "top_issues_figure",
]

PALETTE = ["#3498db", "#e67e22", "#18bc9c", "#9b59b6", "#e74c3c", "#f1c40f", "#1abc9c",
           "#34495e", "#d35400", "#7f8c8d", "#2ecc71", "#c0392b"]
PRIMARY, MUTED, DANGER, WARNING, SUCCESS = "#2c3e50", "#95a5a6", "#e74c3c", "#f39c12", "#18bc9c"
# Above this many nodes + edges the browser's force layout gets slow: positions come from here.
LAYOUT_LIMIT = 300
_RNG_LOCK = threading.Lock()
_FONT = "system-ui, -apple-system, Segoe UI, DejaVu Sans, sans-serif"


def plot_text(text: Any) -> str:
    """Text for a plotly label: plotly reads a few HTML-like tags in labels, so names (user data)
    have their angle brackets and ampersands written as entities, which it shows as text."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _style(fig: go.Figure, height: int = 320, **layout: Any) -> go.Figure:
    margin = {"l": 50, "r": 20, "t": 30, "b": 50, **layout.pop("margin", {})}
    fig.update_layout(template="plotly_white", height=height, font={"family": _FONT, "size": 12},
                      margin=margin, **layout)
    return fig


def empty_figure(message: str = "No data yet", height: int = 240) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font={"size": 14, "color": MUTED},
                       xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _style(fig, height)


def timeline_figure(weeks: list[dict[str, Any]]) -> go.Figure:
    """Conversations per week (``overview()["conversations_per_week"]``)."""
    if not weeks:
        return empty_figure("No conversations yet")
    fig = go.Figure(go.Bar(x=[w["start"] for w in weeks], y=[w["conversations"] for w in weeks],
                           customdata=[w["week"] for w in weeks], marker_color="#3498db",
                           hovertemplate="%{customdata} (from %{x})<br>%{y} conversations"
                                         "<extra></extra>"))
    return _style(fig, yaxis_title="conversations", xaxis_title="week starting")


def assessment_figure(assessment: dict[str, int]) -> go.Figure:
    """Contacts by the organizer's latest assessment (1 leader .. 5 opposed)."""
    labels = {"1": "1 leader", "2": "2 supporter", "3": "3 undecided", "4": "4 leaning against",
              "5": "5 opposed", "unrated": "unrated"}
    keys = [k for k in labels if k in assessment]
    if not any(assessment.get(k) for k in keys):
        return empty_figure("No assessments yet")
    colors = {"1": "#18bc9c", "2": "#7fd6c2", "3": "#bdc3c7", "4": "#f5b041", "5": "#e74c3c",
              "unrated": "#dfe3e5"}
    fig = go.Figure(go.Bar(x=[labels[k] for k in keys], y=[assessment[k] for k in keys],
                           marker_color=[colors[k] for k in keys],
                           hovertemplate="%{x}: %{y} people<extra></extra>"))
    return _style(fig, yaxis_title="people")


def commitments_figure(commitments: dict[str, int], done: int | None = None) -> go.Figure:
    """Asks made, and how they were answered; ``done``: committed people who took action."""
    steps = [("asked", commitments.get("asked", 0), "#3498db"),
             ("yes", commitments.get("yes", 0), SUCCESS),
             ("maybe", commitments.get("maybe", 0), WARNING),
             ("no", commitments.get("no", 0), DANGER),
             ("unanswered", commitments.get("unanswered", 0), MUTED)]
    if done is not None:  # people, not asks: said on its bar and on the axis
        steps.insert(2, ("took action (people)", done, "#0e8c73"))
    if not steps[0][1]:
        return empty_figure("No asks yet")
    fig = go.Figure(go.Bar(x=[s[0] for s in steps], y=[s[1] for s in steps],
                           marker_color=[s[2] for s in steps], text=[s[1] for s in steps],
                           textposition="outside", hovertemplate="%{x}: %{y}<extra></extra>"))
    # Both units on one axis: the asks and their answers, and the people who took action.
    return _style(fig, yaxis_title="asks, or people" if done is not None else "asks")


def structure_figure(structure: dict[str, Any], max_units: int = 30) -> go.Figure:
    """Per unit: contacted, supporters and committed against the majority target.

    With more than ``max_units`` units, the largest ones (by headcount), in name order.
    """
    all_units = structure.get("units") or []
    if not all_units:
        return empty_figure("No units yet")
    units = all_units
    if len(all_units) > max_units:
        keep = {id(u) for u in sorted(all_units, key=lambda u: -u["headcount"])[:max_units]}
        units = [u for u in all_units if id(u) in keep]
    names = [plot_text(u["unit"]) for u in units]
    fig = go.Figure()
    for key, label, color in (("contacted", "contacted", "#aed6f1"),
                              ("supporters", "supporters (1–2, or unrated and committed)",
                               "#3498db"),
                              ("committed", "committed", SUCCESS)):
        fig.add_trace(go.Bar(name=label, x=names, y=[u[key] for u in units], marker_color=color,
                             hovertemplate="%{x}: %{y} " + label + "<extra></extra>"))
    fig.add_trace(go.Scatter(name=f"target ({round(100 * structure['target'])}% of headcount)",
                             x=names, y=[u["target_supporters"] for u in units], mode="markers",
                             customdata=[u["supporters_needed"] for u in units],
                             marker={"symbol": "line-ew-open", "size": 28, "color": DANGER,
                                     "line": {"width": 3}},
                             hovertemplate="%{x}: target %{y} supporters, %{customdata} still "
                                           "needed<extra></extra>"))
    fig.add_trace(go.Scatter(name="headcount", x=names, y=[u["headcount"] for u in units],
                             mode="markers", marker={"symbol": "line-ew-open", "size": 28,
                                                     "color": MUTED, "line": {"width": 2}},
                             hovertemplate="%{x}: %{y} people<extra></extra>"))
    if len(units) < len(all_units):
        fig.update_xaxes(title_text=f"the {len(units)} largest of {len(all_units)} units")
    return _style(fig, 380, barmode="group", yaxis_title="people",
                  legend={"orientation": "h", "y": 1.12, "x": 0})


def top_issues_figure(top_issues: list[dict[str, Any]]) -> go.Figure:
    if not top_issues:
        return empty_figure("No one angry yet")
    items = list(reversed(top_issues))
    fig = go.Figure(go.Bar(y=[plot_text(i["name"]) for i in items], x=[i["people"] for i in items],
                           orientation="h", marker_color=DANGER,
                           customdata=[i["mean_anger"] for i in items],
                           hovertemplate="%{y}: %{x} angry, mean anger %{customdata}<extra></extra>"))
    return _style(fig, 40 + 40 * len(items) + 60, xaxis_title="people angry (anger ≥ 3)",
                  margin={"l": 160, "r": 20, "t": 20, "b": 50})


def heatmap_figure(matrix: dict[str, Any], max_issues: int = 30, max_units: int = 40,
                   min_cell: int = 0) -> go.Figure:
    """Units × issues heat map (``unit_issue_matrix``): the units with most angry people and
    the most shared issues first. Cells counting fewer than ``min_cell`` people are left blank
    (so a count of one or two cannot point at someone in a small unit)."""
    all_units = matrix.get("units") or []
    units, issues = all_units[:max_units], (matrix.get("issues") or [])[:max_issues]
    if not units or not issues:
        return empty_figure("No one angry yet")
    z = [[c if c >= min_cell else None for c in row[:len(issues)]]
         for row in matrix["counts"][:len(units)]]
    fig = go.Figure(go.Heatmap(z=z, x=[plot_text(i["name"]) for i in issues],
                               y=[plot_text(u) for u in units],
                               colorscale="Reds",
                               hovertemplate="%{y} · %{x}: %{z} angry<extra></extra>",
                               hoverongaps=False,
                               colorbar={"title": {"text": "people"}}, xgap=2, ygap=2))
    fig.update_yaxes(autorange="reversed")
    if len(all_units) > len(units):
        fig.update_layout(title={"text": f"the {len(units)} units with most angry people, of "
                                         f"{len(all_units)}", "font": {"size": 12}, "x": 0.01})
    return _style(fig, 190 + 30 * len(units),
                  margin={"l": 130, "r": 20, "t": 20, "b": 140}, xaxis_tickangle=-35)


def network_layout(nodes: list[str], edges: list[tuple[str, str, float]], seed: int = 0,
                   scale: float = 900.0) -> dict[str, dict[str, float]]:
    """Positions from a seeded force-directed layout (same graph and seed, same picture).

    igraph's Fruchterman-Reingold, started from a circle in sorted node order; it needs no
    numpy (networkx's layouts do, and the project does not depend on numpy).
    """
    import igraph

    order = sorted(set(nodes))
    if not order:
        return {}
    index = {n: i for i, n in enumerate(order)}
    links = sorted((min(index[a], index[b]), max(index[a], index[b]), float(w or 1))
                   for a, b, w in edges if a in index and b in index and a != b)
    g = igraph.Graph(n=len(order), edges=[(a, b) for a, b, _ in links])
    n = len(order)
    start = [[math.cos(2 * math.pi * i / n), math.sin(2 * math.pi * i / n)] for i in range(n)]
    with _RNG_LOCK:  # igraph's random generator is process-wide: seed it, then put it back
        igraph.set_random_number_generator(random.Random(seed))
        try:
            pos = g.layout_fruchterman_reingold(seed=start, weights=[w for *_, w in links] or None,
                                                niter=300)
        finally:
            igraph.set_random_number_generator(random)
    xs, ys = [p[0] for p in pos], [p[1] for p in pos]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    return {node: {"x": round((x - min(xs)) / span * scale, 1),
                   "y": round((y - min(ys)) / span * scale, 1)}
            for node, (x, y) in zip(order, pos)}


def _with_layout(nodes: list[dict], edges: list[dict]) -> tuple[list[dict], dict[str, Any]]:
    """Elements and the cytoscape layout: the browser's force layout, or server positions."""
    if len(nodes) + len(edges) <= LAYOUT_LIMIT:
        big = len(nodes) > 40
        return nodes + edges, {"name": "cose", "animate": False, "randomize": False,
                               "nodeRepulsion": 80000 if big else 9000,
                               "idealEdgeLength": 140 if big else 90, "nodeOverlap": 20,
                               "componentSpacing": 80, "padding": 20}
    pos = network_layout([n["data"]["id"] for n in nodes],
                         [(e["data"]["source"], e["data"]["target"], e["data"].get("weight", 1))
                          for e in edges])
    for n in nodes:
        n["position"] = pos.get(n["data"]["id"], {"x": 0, "y": 0})
    return nodes + edges, {"name": "preset", "fit": True, "padding": 20}


def cluster_elements(clusters: dict[str, Any], max_issues: int = 150
                     ) -> tuple[list[dict], dict[str, Any]]:
    """The issue network: one node per issue, coloured by cluster, sized by people angry."""
    nodes, keep = [], set()
    issues = [(c["id"], i) for c in clusters.get("clusters", []) for i in c["issues"]]
    issues.sort(key=lambda ci: -ci[1]["people"])
    biggest = max((i["people"] for _, i in issues), default=1) or 1
    for cid, i in issues[:max_issues]:
        keep.add(i["key"])
        nodes.append({"data": {
            "id": i["key"], "label": i["name"], "people": i["people"],
            "mean_anger": i["mean_anger"], "cluster": cid,
            "color": PALETTE[cid % len(PALETTE)],
            "size": round(22 + 58 * (i["people"] / biggest) ** 0.5, 1),
        }, "classes": "bridging" if i.get("bridging") else ""})
    links = [l for l in clusters.get("links", []) if l["a"] in keep and l["b"] in keep]
    strongest = max((l["people"] for l in links), default=1) or 1
    edges = [{"data": {"id": f"{l['a']}|{l['b']}", "source": l["a"], "target": l["b"],
                       "weight": l["people"],
                       "width": round(1 + 7 * l["people"] / strongest, 1)}} for l in links]
    # Always laid out here, seeded: the same clusters give the same picture on every load
    # (the browser's force layout starts from random positions).
    pos = network_layout([n["data"]["id"] for n in nodes],
                         [(e["data"]["source"], e["data"]["target"], e["data"]["weight"])
                          for e in edges], scale=max(420.0, 150.0 * len(nodes) ** 0.5))
    for n in nodes:
        n["position"] = dict(pos.get(n["data"]["id"], {"x": 0, "y": 0}))
    _spread(nodes)
    # Fitted in the browser (components.readable_fit_js), never below zoom 1: 12 px labels.
    return nodes + edges, {"name": "preset", "fit": False, "zoom": 1}


def _spread(nodes: list[dict], gap: float = 36.0, rounds: int = 60) -> None:
    """Push apart nodes closer than their radii plus ``gap`` (room for a label), in place.

    Deterministic: pairs in a fixed order, ties broken by index, so the picture stays stable.
    """
    for _ in range(rounds):
        moved = False
        for a in range(len(nodes)):
            pa, ra = nodes[a]["position"], nodes[a]["data"]["size"] / 2
            for b in range(a + 1, len(nodes)):
                pb, rb = nodes[b]["position"], nodes[b]["data"]["size"] / 2
                dx, dy = pb["x"] - pa["x"], pb["y"] - pa["y"]
                dist = math.hypot(dx, dy)
                need = ra + rb + gap
                if dist >= need:
                    continue
                if dist < 1e-6:  # same place: split along a fixed direction
                    dx, dy, dist = math.cos(b), math.sin(b), 1.0
                push = (need - dist) / 2 + 0.5
                ux, uy = dx / dist * push, dy / dist * push
                pa["x"], pa["y"] = pa["x"] - ux, pa["y"] - uy
                pb["x"], pb["y"] = pb["x"] + ux, pb["y"] + uy
                moved = True
        if not moved:
            break
    for n in nodes:
        n["position"] = {"x": round(n["position"]["x"], 1), "y": round(n["position"]["y"], 1)}


def cluster_legend(clusters: dict[str, Any]) -> list[dict[str, Any]]:
    """The colour of each cluster and its name (its top issues), in cluster order."""
    return [{"id": c["id"], "name": c.get("name") or ", ".join(i["name"] for i in c["issues"][:2]),
             "color": PALETTE[c["id"] % len(PALETTE)]} for c in clusters.get("clusters", [])]


# Network labels: at least 12 px, readable on a 390 px phone at the fitted zoom.
LABEL_PX = 12


def cluster_stylesheet() -> list[dict[str, Any]]:
    return [
        {"selector": "node", "style": {
            "label": "data(label)", "background-color": "data(color)", "width": "data(size)",
            "height": "data(size)", "font-size": LABEL_PX, "color": "#2c3e50",
            "text-valign": "bottom", "text-margin-y": 4, "text-wrap": "wrap",
            "text-max-width": 120, "text-background-color": "#fff",
            "text-background-opacity": 0.8, "text-background-padding": 2,
            "border-width": 1, "border-color": "#fff"}},
        # Only the issues anger_clusters marks bridging (a third of the units) get the outline.
        {"selector": "node.bridging", "style": {"border-width": 5, "border-color": "#2c3e50"}},
        {"selector": "node:selected", "style": {"border-width": 5, "border-color": "#f39c12"}},
        {"selector": "edge", "style": {"width": "data(width)", "line-color": "#c8d1d9",
                                       "curve-style": "haystack", "opacity": 0.7}},
    ]


#: Decision makers :func:`power_elements` draws per issue: the chosen issue's first ones.
ISSUE_DMS = 25


def power_issues(ranking: dict[str, Any], issue: str | None = None, max_issues: int = 12,
                 top_dms: int = 8) -> list[dict[str, Any]]:
    """The issues :func:`power_elements` draws, each with the decision makers drawn for it."""
    issues = [i for i in ranking.get("issues", []) if i["decision_makers"]]
    if issue:
        return [{**i, "decision_makers": i["decision_makers"][:ISSUE_DMS]}
                for i in issues if i["key"] == issue]
    top = {d["key"] for d in ranking.get("decision_makers", [])[:top_dms]}
    issues = [{**i, "decision_makers": [d for d in i["decision_makers"] if d["key"] in top]}
              for i in issues]
    return [i for i in issues if i["decision_makers"]][:max_issues]


def power_elements(power: dict[str, Any], ranking: dict[str, Any], issue: str | None = None,
                   max_issues: int = 12, top_dms: int = 8) -> tuple[list[dict], dict[str, Any]]:
    """Decision makers, the issues they are named for, and whom they answer to.

    With ``issue``, only that issue, its (first :data:`ISSUE_DMS`) decision makers and their
    chains of command. Without, the ``top_dms`` most named decision makers (over all issues),
    their chains of command and the (at most ``max_issues``) issues people name them for.
    Laid out here as a top-down hierarchy (the top bosses first, issues at the bottom): the
    same picture on every load.

    Who is named for what comes from ``ranking`` (:func:`~mapper.analytics.power.power_ranking`,
    as of the last write, its first :data:`ISSUE_DMS` per issue), the chains of command and
    people affected from ``power`` (:func:`~mapper.analytics.power.power_map`: those drawn
    and the bosses above them are enough); a decision
    maker it does not know yet is drawn alone, by the name ``ranking`` gives. (Without ``issue``, an edge from an issue to one of the
    ``top_dms`` is not drawn where they rank below the issue's first :data:`ISSUE_DMS`: on
    an issue more than that many are named for, the picture shows its most named.)
    """
    dms = {d["key"]: d for d in power.get("decision_makers", [])}
    issues = power_issues(ranking, issue, max_issues, top_dms)
    shown: set[str] = set()
    # Name and title: as ranked (as of the last write), else as the power map or a chain says.
    refs: dict[str, dict[str, Any]] = {}
    for d in dms.values():
        for boss in d.get("chain", []):
            refs.setdefault(boss["key"], boss)
    refs.update(dms)
    for i in issues:
        for d in i["decision_makers"]:
            shown.add(d["key"])
            refs[d["key"]] = d
    # The chain above every decision maker shown: the people who can make them act.
    for key in list(shown):
        for boss in dms.get(key, {}).get("chain", []):
            shown.add(boss["key"])
    nodes, edges = [], []
    angriest = max((i["angry"] for i in issues), default=1) or 1
    for i in issues:
        nodes.append({"data": {"id": i["key"], "label": i["name"], "kind": "issue",
                               "angry": i["angry"],
                               "size": round(20 + 40 * (i["angry"] / angriest) ** 0.5, 1)},
                      "classes": "issue"})
        for d in i["decision_makers"]:
            edges.append({"data": {"id": f"{i['key']}>{d['key']}", "source": i["key"],
                                   "target": d["key"], "weight": d["people"],
                                   "label": str(d["people"]),
                                   "width": round(1 + min(8, d["people"]), 1)},
                          "classes": "names"})
    for key in sorted(shown):
        ref = refs.get(key, {"name": key, "title": None})
        title = ref.get("title")
        lines = [ref["name"]] + ([title] if title else [])
        nodes.append({"data": {"id": key, "label": "\n".join(lines),
                               "kind": "decision_maker",
                               "affected": dms.get(key, {}).get("affected", 0),
                               "w": min(220, 16 + 7.4 * max(len(x) for x in lines)),
                               "h": 16 + 16 * len(lines)},
                      "classes": "dm"})
    for key in sorted(shown):
        chain = dms.get(key, {}).get("chain") or []
        if chain and chain[0]["key"] in shown:
            edges.append({"data": {"id": f"{key}^{chain[0]['key']}", "source": key,
                                   "target": chain[0]["key"], "weight": 1},
                          "classes": "reports"})
    _hierarchy(nodes, edges, {k: sum(c["key"] in shown for c in dms.get(k, {}).get("chain") or [])
                              for k in shown})
    # Not fitted: a wide hierarchy fitted into a phone would shrink its labels to a few pixels.
    # At zoom 1 the labels are their 12 px; the (first) top boss shows first, near the left
    # edge of a phone; pan and zoom for more.
    top = next((n["position"] for n in nodes if "root" in n["classes"]),
               {"x": 0.0, "y": 0.0})
    return nodes + edges, {"name": "preset", "fit": False, "zoom": 1,
                           "pan": {"x": round(170 - top["x"], 1), "y": round(50 - top["y"], 1)}}


#: Room an issue's label takes across (its text wraps at ISSUE_TEXT_PX) and between two nodes.
ISSUE_TEXT_PX, NODE_GAP = 100, 18


def _pack_rows(nodes: list[dict]) -> None:
    """Each row pushed together left to right in the layout's order, every node where the
    layout wants it or just right of its neighbour's box (or label): the hierarchy as narrow
    as its widest row, nothing overlapping."""
    rows: dict[float, list[dict]] = {}
    for n in nodes:
        rows.setdefault(n["position"]["y"], []).append(n)
    for row in rows.values():
        right = -math.inf
        for n in sorted(row, key=lambda n: (n["position"]["x"], n["data"]["id"])):
            d = n["data"]
            w = d["w"] if d["kind"] == "decision_maker" else max(d["size"], ISSUE_TEXT_PX + 10)
            left = max(n["position"]["x"] - w / 2, right + NODE_GAP)
            n["position"]["x"] = left + w / 2
            right = left + w
    low = min((n["position"]["x"] for n in nodes), default=0.0)
    for n in nodes:
        n["position"]["x"] = round(n["position"]["x"] - low, 1)


def _hierarchy(nodes: list[dict], edges: list[dict], depth: dict[str, int],
               x_gap: float = 70.0, y_gap: float = 130.0) -> None:
    """Top-down layered positions (igraph's Sugiyama layout, in place): each decision maker
    at its depth below the top boss, issues one layer under the deepest decision maker."""
    import igraph

    if not nodes:
        return
    index = {n["data"]["id"]: i for i, n in enumerate(nodes)}
    bottom = max(depth.values(), default=-1) + 1
    layers = [depth.get(n["data"]["id"], 0) if n["data"]["kind"] == "decision_maker" else bottom
              for n in nodes]
    links = []
    for e in edges:
        a, b = index[e["data"]["source"]], index[e["data"]["target"]]
        if a != b and layers[a] != layers[b]:
            links.append((a, b) if layers[a] < layers[b] else (b, a))  # top to bottom
    g = igraph.Graph(n=len(nodes), edges=sorted(set(links)), directed=True)
    coords = g.layout_sugiyama(layers=layers, hgap=1, vgap=1, maxiter=100).coords
    for n, (x, y) in zip(nodes, coords):
        n["position"] = {"x": x * x_gap, "y": round(y * y_gap, 1)}
    _pack_rows(nodes)
    for n in nodes:
        n["classes"] = n["classes"] + (" root" if depth.get(n["data"]["id"]) == 0 else "")


def power_stylesheet() -> list[dict[str, Any]]:
    return [
        {"selector": "node.issue", "style": {
            "label": "data(label)", "background-color": "#e74c3c", "width": "data(size)",
            "height": "data(size)", "font-size": LABEL_PX, "text-valign": "bottom",
            "text-margin-y": 4,
            "color": "#2c3e50", "text-wrap": "wrap", "text-max-width": ISSUE_TEXT_PX}},
        {"selector": ".dm", "style": {
            "label": "data(label)", "shape": "round-rectangle", "background-color": "#2c3e50",
            "color": "#fff", "text-valign": "center", "text-halign": "center",
            "font-size": LABEL_PX, "text-wrap": "wrap", "text-max-width": 210, "width": "data(w)",
            "height": "data(h)"}},
        {"selector": "node:selected", "style": {"border-width": 4, "border-color": "#f39c12"}},
        {"selector": "edge.names", "style": {
            "width": "data(width)", "line-color": "#f5b7b1", "target-arrow-shape": "triangle",
            "target-arrow-color": "#f5b7b1", "label": "data(label)",
            # Right-angled lines along the rows, not long diagonals across the boxes.
            "curve-style": "taxi", "taxi-direction": "vertical", "taxi-turn": "50%",
            "font-size": LABEL_PX, "color": "#a12622", "text-background-color": "#fff",
            "text-background-opacity": 0.8}},
        {"selector": "edge.reports", "style": {
            "width": 2, "line-color": "#7f8c8d", "line-style": "dashed",
            "target-arrow-shape": "triangle", "target-arrow-color": "#7f8c8d",
            "curve-style": "taxi", "taxi-direction": "vertical", "taxi-turn": "50%"}},
    ]


def _dm_labels(dms: list[dict[str, Any]]) -> list[str]:
    """Decision makers' names as a chart's labels (short enough for a phone; the title is in
    the hover), with the title added where two share a name (a chart merges equal labels)."""
    names = [d["name"] for d in dms]
    return [plot_text(d["name"] + (f" ({d['title']})" if names.count(d["name"]) > 1
                                   and d.get("title") else "")) for d in dms]


def ranking_figure(issue: dict[str, Any] | None) -> go.Figure:
    """One issue's decision makers, ranked by how many people name them (and how angry).

    The figure's title is the issue's name, so the chart always says which issue it ranks.
    """
    if not issue or not issue.get("decision_makers"):
        return empty_figure("No one has named a decision maker for this issue yet")
    dms = list(reversed(issue["decision_makers"][:15]))
    fig = go.Figure(go.Bar(y=_dm_labels(dms), x=[d["people"] for d in dms], orientation="h",
                           marker_color=PRIMARY,
                           customdata=[[d["anger"], plot_text(d.get("title") or "")] for d in dms],
                           hovertemplate="%{y}, %{customdata[1]}<br>named by %{x} people, their "
                                         "anger %{customdata[0]}<extra></extra>"))
    fig = _style(fig, 60 + 38 * len(dms) + 40, xaxis_title="people naming them",
                 margin={"l": 10, "r": 20, "t": 35, "b": 45})
    fig.update_yaxes(automargin=True)
    fig.update_layout(title={"text": plot_text(issue["name"]), "x": 0.01, "font": {"size": 13}})
    return fig


def all_issues_ranking_figure(ranking: dict[str, Any]) -> go.Figure:
    """The decision makers of :func:`~mapper.analytics.power.power_ranking` (the first 15),
    ranked by how many times people name them over all issues, then by those namings' anger.

    A person naming the same decision maker for two issues counts twice: the bars are
    namings, and the axis says so.
    """
    dms = [d for d in ranking.get("decision_makers", []) if d["people"]]
    if not dms:
        return empty_figure("No one has named a decision maker yet")
    dms = list(reversed(dms[:15]))
    fig = go.Figure(go.Bar(y=_dm_labels(dms), x=[d["people"] for d in dms],
                           orientation="h", marker_color=PRIMARY,
                           customdata=[[d["issues"], plot_text(d.get("title") or "")]
                                       for d in dms],
                           hovertemplate="%{y}, %{customdata[1]}<br>named %{x} times, for "
                                         "%{customdata[0]} issue(s)<extra></extra>"))
    fig = _style(fig, 60 + 38 * len(dms) + 40, xaxis_title="times named, all issues",
                 margin={"l": 10, "r": 20, "t": 35, "b": 45})
    fig.update_yaxes(automargin=True)
    fig.update_layout(title={"text": "All issues", "x": 0.01, "font": {"size": 13}})
    return fig


#: Organizers the Follow-ups chart names one by one; the rest share one "others" bar.
FOLLOW_TOP = 10


def follow_ups_figure(follow: dict[str, Any], top: int = FOLLOW_TOP) -> go.Figure:
    """Per organizer: follow-ups overdue and due soon, as horizontal bars (names readable on a
    phone): the ``top`` organizers who owe the most, then one bar for all the others.

    >>> fig = follow_ups_figure({"organizers": [{"organizer": f"O{i}", "overdue": i, "due": 1}
    ...                                         for i in range(30)]}, top=3)
    >>> list(fig.data[0].y)
    ['others (27 organizers)', 'O27', 'O28', 'O29']
    >>> list(fig.data[0].x)
    [351, 27, 28, 29]
    """
    orgs = follow.get("organizers") or []
    if not orgs:
        return empty_figure("Nothing due")
    ranked = sorted(orgs, key=lambda o: (-(o["overdue"] + o["due"]), -o["overdue"],
                                         str(o["organizer"]).casefold()))
    shown, rest = ranked[:top], ranked[top:]
    bars = [(plot_text(o["organizer"]), o["overdue"], o["due"]) for o in shown]
    if rest:
        bars.append((f"others ({len(rest):,} organizers)", sum(o["overdue"] for o in rest),
                     sum(o["due"] for o in rest)))
    bars.reverse()  # plotly draws the first bar at the bottom: the most owed on top
    names = [b[0] for b in bars]
    fig = go.Figure([
        go.Bar(name="overdue", y=names, x=[b[1] for b in bars], orientation="h",
               marker_color=DANGER),
        go.Bar(name=f"due within {follow.get('horizon_days', 7)} days", y=names,
               x=[b[2] for b in bars], orientation="h", marker_color=WARNING),
    ])
    fig.update_yaxes(automargin=True, tickfont={"size": 12})
    return _style(fig, 90 + 30 * len(bars), barmode="stack", xaxis_title="follow-ups",
                  margin={"l": 10, "t": 40, "b": 45},
                  legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0})


def ego_elements(person: dict[str, Any], ties: list[dict[str, Any]], limit: int = 60
                 ) -> tuple[list[dict], dict[str, Any]]:
    """A person and their own ties (never more of the network than that)."""
    nodes = [{"data": {"id": person["person"], "label": person["name"]}, "classes": "me"}]
    edges = []
    for t in ties[:limit]:
        nodes.append({"data": {"id": t["person"], "label": t["name"]},
                      "classes": "contacted" if t.get("contacted") else "other"})
        edges.append({"data": {"id": f"{person['person']}~{t['person']}",
                               "source": person["person"], "target": t["person"],
                               "label": ", ".join(t.get("relationships") or [])}})
    return nodes + edges, {"name": "concentric", "animate": False, "padding": 20,
                           "minNodeSpacing": 30}


def ego_stylesheet() -> list[dict[str, Any]]:
    return [
        {"selector": "node", "style": {"label": "data(label)", "font-size": 10, "color": "#2c3e50",
                                       "background-color": "#bdc3c7", "text-valign": "bottom",
                                       "text-margin-y": 3}},
        {"selector": "node.me", "style": {"background-color": "#2c3e50", "width": 34, "height": 34,
                                          "font-weight": "bold"}},
        {"selector": "node.contacted", "style": {"background-color": "#3498db"}},
        {"selector": "edge", "style": {"line-color": "#d5dbdf", "width": 2}},
    ]
