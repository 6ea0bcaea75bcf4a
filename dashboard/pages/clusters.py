"""Anger clusters: issues many people feel strongly about together, by unit, and the common ground."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import dash_cytoscape as cyto
from dash import Input, Output, State, dcc, html

from dashboard import figures, ids
from dashboard.auth import signed_in
from dashboard.components import (age_text, answer_age, card, empty_campaign, graph,
                                  page_head, person_link, readable_fit_js, table)
from dashboard.pages import register_page
from dashboard.services import services
from dashboard.tables import people_angry_about

LEGEND = "cluster-legend"  # the colour legend above the network
MIN_ANGER = [{"label": f"anger ≥ {n}", "value": str(n)} for n in (2, 3, 4, 5)]


def _level(value: str | None) -> int:
    """The anger level asked for; anything but 1..5 means the default, 3."""
    try:
        level = int(value or 3)
    except (TypeError, ValueError):
        return 3
    return level if 1 <= level <= 5 else 3


# dash-cytoscape sets its own 600px box inline: the size must be given here, not in CSS.
NETWORK_STYLE = {"width": "100%", "height": "520px", "background": "#fff"}


def _scrolls(id_: str, name: str) -> html.Div:
    # A table wider than a phone scrolls sideways; the keyboard must be able to scroll it too.
    return html.Div(html.Div(id=id_), className="scroll-x", tabIndex="0", role="region",
                    **{"aria-label": name})


def layout(**_query) -> html.Div:
    return html.Div([
        page_head("Anger clusters",
                  "Issues linked by the people angry about both; colours are clusters, size is "
                  "how many people are angry. A thick dark outline marks a bridging issue: its "
                  "angry people work in at least a third of the units (and at least two).",
                  html.Div([html.Label("Count anger from", htmlFor=ids.CLUSTER_MIN_ANGER,
                                       className="visually-hidden"),
                            dbc.Select(id=ids.CLUSTER_MIN_ANGER, options=MIN_ANGER, value="3",
                                       size="sm", style={"maxWidth": "10rem"})])),
        answer_age(ids.CLUSTER_AGE),
        dbc.Row([
            dbc.Col(card("Issue network (click an issue)",
                         html.Ul(id=LEGEND, className="list-inline mb-1 ps-0",
                                 style={"listStyle": "none"},
                                  **{"aria-label": "Clusters by colour"}),
                         cyto.Cytoscape(id=ids.CLUSTER_NETWORK, elements=[], style=NETWORK_STYLE,
                                       layout={"name": "preset"},
                                       stylesheet=figures.cluster_stylesheet(),
                                       minZoom=0.2, maxZoom=3, userZoomingEnabled=True),
                         html.P("Drag to move around, pinch or scroll to zoom.",
                                className="form-text mb-0"),
                         dcc.Store(id=ids.CLUSTER_FITTED)),
                    xl=8, md=12),
            dbc.Col(card("Who is angry about it", html.Div(id=ids.CLUSTER_ISSUE_PEOPLE)),
                    xl=4, md=12),
        ]),
        card("Clusters", _scrolls(ids.CLUSTER_TABLE, "Clusters")),
        card("Common ground: bridging issues",
             _scrolls(ids.CLUSTER_BRIDGES, "Common ground: bridging issues")),
        card("Angry people by unit and issue",
             graph(ids.CLUSTER_HEATMAP, figures.empty_figure("Loading…"))),
    ])


def _badge_list(items: list[dict], label: str, count: str = "people", limit: int = 8,
                min_count: int = 0) -> list:
    # Below ``min_count`` the number is hidden, as in the heat map (see MIN_CELL).
    out = [dbc.Badge(f"{i[label]} · {i[count] if i[count] >= min_count else f'<{min_count}'}",
                     color="light", className="me-1")
           for i in items[:limit]]
    if len(items) > limit:
        out.append(html.Span(f" +{len(items) - limit} more", className="form-text d-inline"))
    return out


def _swatch(cluster_id: int, name: str) -> html.Span:
    color = figures.PALETTE[cluster_id % len(figures.PALETTE)]
    return html.Span([html.Span(className="legend-dot", style={"background": color}), name])


def cluster_legend(result: dict) -> list:
    """One item per cluster: its colour in the network and its name (its top issues), plus
    the outline that marks a bridging issue."""
    items = [html.Li(_swatch(c["id"], c["name"]), className="list-inline-item")
             for c in figures.cluster_legend(result)]
    if result.get("bridging"):
        items.append(html.Li(
            [html.Span(className="legend-dot",
                       style={"background": "#fff", "border": "3px solid #2c3e50"}),
             f"bridging: angry people in {result['bridging_units']}+ of "
             f"{result['units_angry']} units"], className="list-inline-item"))
    return items


def cluster_table(result: dict, min_unit: int = 0) -> html.Div:
    if not result["clusters"]:
        return html.P("No one is angry about anything yet at this level.", className="muted-box")
    rows = []
    for c in result["clusters"]:
        rows.append([
            _swatch(c["id"], c["name"]),
            _badge_list(c["issues"], "name"),
            c["people"], c["mean_anger"],
            _badge_list(c["units"], "unit", limit=3, min_count=min_unit),
            html.Ul([html.Li(d["name"]) for d in c["decision_makers"][:3]],
                    className="list-unstyled mb-0") if c["decision_makers"] else "—",
        ])
    return table(["Cluster", "Issues (people angry)", "People", "Mean anger", "Units",
                  "Decision makers named"], rows, numeric={2, 3})


def bridges_table(result: dict, min_unit: int = 0) -> html.Div:
    if not result["bridging"]:
        return html.P("No issue unites people across units yet.", className="muted-box")
    names = {c["id"]: c["name"] for c in result["clusters"]}
    rows = [[b["name"], b["people"], _badge_list(b["units"], "unit", limit=6, min_count=min_unit),
             _swatch(b["cluster"], names.get(b["cluster"], str(b["cluster"]))),
             "; ".join(b["reasons"])] for b in result["bridging"][:25]]
    return table(["Issue", "People", "Units", "Cluster", "Why it bridges"], rows, numeric={1})


# Viewers see no names; a count of one or two people in a small unit would name them (heat-map
# cells and the unit badges of the cluster and bridging tables).
MIN_CELL = 3


def update_clusters(campaign: str | None, min_anger: str | None):
    """Clusters, bridging issues and the unit × issue heat map: aggregates, for every role."""
    user = signed_in()
    svc = services()
    camp = svc.campaign(campaign)
    if camp is None:
        return [], {"name": "preset"}, [], empty_campaign(), None, figures.empty_figure()
    level = _level(min_anger)
    result = svc.analytics.anger_clusters(campaign=camp, min_anger=level)
    matrix = svc.analytics.unit_issue_matrix(campaign=camp, min_anger=level)
    elements, net_layout = figures.cluster_elements(result)
    min_cell = 0 if user.sees_people else MIN_CELL
    return (elements, net_layout, cluster_legend(result), cluster_table(result, min_cell),
            bridges_table(result, min_cell),
            figures.heatmap_figure(matrix, min_cell=min_cell))


def clusters_age(campaign: str | None, min_anger: str | None) -> str | None:
    """How old the clusters shown are (whole-graph answers are refreshed after a write)."""
    svc = services()
    camp = svc.campaign(campaign)
    if camp is None:
        return None
    return age_text(svc.analytics.answer("anger_clusters", campaign=camp,
                                         min_anger=_level(min_anger)))


def issue_people(node: dict | None, campaign: str | None, min_anger: str | None):
    """The people angry about a clicked issue: names for organizers and admins, a count otherwise."""
    if not node or not node.get("id"):
        return html.P("Click an issue to see who is angry about it.", className="form-text")
    user = signed_in()
    svc = services()
    camp = svc.campaign(campaign)
    if camp is None:
        return None
    level = _level(min_anger)
    issue = str(node["id"])
    # (Its name from the clusters shown, which drew it; the people from the read model: a
    # whole snapshot at a million people took 50 s and 2.4 GB in the worker.)
    names = {i["key"]: i["name"] for c in
             svc.analytics.anger_clusters(campaign=camp, min_anger=level)["clusters"]
             for i in c["issues"]}
    if issue not in names:  # (the clusters were computed again since they were drawn)
        return html.P("This issue is not among the clusters at this anger level any more: "
                      "reload the page to see them as they are now.", className="form-text")
    name = names[issue]
    people = svc.analytics.run(people_angry_about, campaign=camp, issue=issue, min_anger=level)
    head = html.Strong(f"{name}: {len(people)} people with anger ≥ {level}")
    if not user.sees_people:
        return html.Div([head, html.Div("Names are shown to organizers and admins only.",
                                        className="form-text")])
    items = [html.Li([person_link(p["name"], p["person"]),
                      html.Span(f" · {p['unit'] or 'no unit'} · anger {p['anger']}",
                                className="form-text d-inline")]) for p in people[:200]]
    more = html.Div(f"and {len(people) - 200} more", className="form-text") if len(people) > 200 else None
    return html.Div([head, html.Ul(items, className="mt-1 mb-0"), more])


def register_callbacks(app: dash.Dash) -> None:
    app.clientside_callback(readable_fit_js(ids.CLUSTER_NETWORK),
                            Output(ids.CLUSTER_FITTED, "data"),
                            Input(ids.CLUSTER_NETWORK, "elements"))
    app.callback(
        Output(ids.CLUSTER_NETWORK, "elements"), Output(ids.CLUSTER_NETWORK, "layout"),
        Output(LEGEND, "children"), Output(ids.CLUSTER_TABLE, "children"), Output(ids.CLUSTER_BRIDGES, "children"),
        Output(ids.CLUSTER_HEATMAP, "figure"),
        Input(ids.CAMPAIGN, "data"), Input(ids.CLUSTER_MIN_ANGER, "value"),
    )(update_clusters)
    app.callback(Output(ids.CLUSTER_AGE, "children"), Input(ids.CAMPAIGN, "data"),
                 Input(ids.CLUSTER_MIN_ANGER, "value"))(clusters_age)
    app.callback(
        Output(ids.CLUSTER_ISSUE_PEOPLE, "children"),
        Input(ids.CLUSTER_NETWORK, "tapNodeData"),
        State(ids.CAMPAIGN, "data"), State(ids.CLUSTER_MIN_ANGER, "value"),
    )(issue_people)


register_page(__name__, path="/clusters", name="Anger clusters",
                   title="Anger clusters · Collective Mapper", order=2, layout=layout)
