"""Power map: who can fix each problem, whom they answer to, and our trusted path to them."""

from __future__ import annotations

from typing import Any

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
from dashboard.users import User
from mapper.analytics import power_map


ROWS = 25  # decision makers in the table; the network and the ranking show the rest
#: Decision makers the page's rankings read per issue and over all issues: the chart shows 15,
#: the network those of the chosen issue (figures.power_elements), or the top 8 of all.
RANKED = figures.ISSUE_DMS
# dash-cytoscape sets its own 600px box inline: the size must be given here, not in CSS.
NETWORK_STYLE = {"width": "100%", "height": "620px", "background": "#fff"}


def layout(**_query) -> html.Div:
    return html.Div([
        page_head("Power map",
                  "Issues (red) point to the decision makers people name for them; dashed lines "
                  "show whom each decision maker answers to, top boss first. All issues shows "
                  "the most named decision makers; pick an issue to see everyone named for it.",
                  dcc.Dropdown(id=ids.POWER_ISSUE, placeholder="All issues", clearable=True,
                               style={"minWidth": "18rem"})),
        answer_age(ids.POWER_AGE),
        card("Decision makers and the issues they control (click one)",
             cyto.Cytoscape(id=ids.POWER_NETWORK, elements=[], style=NETWORK_STYLE,
                            layout={"name": "preset"}, stylesheet=figures.power_stylesheet(),
                            minZoom=0.2, maxZoom=3),
             html.P("Drag to move around, pinch or scroll to zoom.", className="form-text mb-0"),
             dcc.Store(id=ids.POWER_FITTED)),
        dbc.Row([
            dbc.Col(card("Who can fix it: ranked by people naming them",
                         graph(ids.POWER_RANKING, figures.empty_figure("Loading…"))),
                    xl=7, md=12),
            dbc.Col(card("Decision maker", html.Div(id=ids.POWER_DM_DETAIL)), xl=5, md=12),
        ]),
        card("Decision makers: chain of command, people affected, our trusted path",
             html.Div(id=ids.POWER_PATHS)),
    ])


def _path(user: User, trust: dict[str, Any] | None) -> Any:
    """The trusted path from a committed member: names for organizers and admins only."""
    if not trust:
        return html.Span("no trusted path yet", className="form-text d-inline")
    hops = trust["length"]
    if not user.sees_people:
        return ("a committed member is affected" if hops == 0
                else f"{hops} trusted hop{'s' if hops != 1 else ''} from a committed member")
    links: list[Any] = []
    for n, (name, key) in enumerate(zip(trust["path"], trust["keys"])):
        if n:
            links.append(" → ")
        links.append(person_link(name, key))
    note = ("committed and affected" if hops == 0
            else f"{hops} hop{'s' if hops != 1 else ''}")
    return html.Span(links + [html.Span(f" ({note})", className="form-text d-inline")])


def paths_table(user: User, dms: list[dict[str, Any]], count: int) -> Any:
    """The first :data:`ROWS` of ``dms`` (the most affecting first), of ``count``."""
    if not dms:
        return html.P("No decision makers yet.", className="muted-box")
    rows = [[html.Span([html.Strong(d["name"]), html.Br(),
                        html.Span(d["title"] or "", className="form-text d-inline")]),
             " → ".join(c["name"] for c in d["chain"]) + (" (loop)" if d["chain_cycle"] else "") or "—",
             ", ".join(f"{i['name']} ({i['named_by']})" for i in d["issues"][:4]) or "—",
             d["affected"], _path(user, d["trust_path"])] for d in dms[:ROWS]]
    count = max(count, len(dms))
    more = (html.P(f"The {ROWS} most affecting of {count} decision makers; pick an issue to "
                   "narrow the list.", className="form-text") if count > ROWS else None)
    # On a phone the table scrolls inside its card, the page does not.
    return html.Div([html.Div(table(["Decision maker", "Answers to", "Named for (people)",
                                     "People affected", "Trusted path from a committed member"],
                                    rows, numeric={3}), className="scroll-x"), more])


def update_power(campaign: str | None, issue: str | None):
    """Network, ranking and paths for the chosen issue (or all); names of contacts by role."""
    return _update_power(campaign, issue)[0]


def update_power_page(campaign: str | None, issue: str | None):
    """:func:`update_power` and its age line, said of the oldest kept answer its network and
    table were read from (one request: never the age of another keep than the one shown)."""
    outputs, read = _update_power(campaign, issue)
    return (*outputs, _age_line(min(read, key=lambda a: a.shown_as_of)) if read else None)


def _update_power(campaign: str | None, issue: str | None):
    """:func:`update_power`'s outputs, and the kept answers they were read from.

    Who is named for what (the ranking, the issues to pick, the network's issues) is as of
    the last write, from the store's read model; the chains, people affected and trusted
    paths are the kept whole-graph answer, which may lag a write (its age is shown)."""
    user = signed_in()
    svc = services()
    camp = svc.campaign(campaign)
    if camp is None:
        return ([], {"name": "preset"}, figures.empty_figure(), empty_campaign(), []), []
    ranked = svc.analytics.power_ranking(campaign=camp, first=RANKED)
    # The kept power map is read in pages (at a million people it is 49 MB): the decision
    # makers drawn and the bosses above them by key, the table's first rows in its order.
    drawn = {d["key"] for i in figures.power_issues(ranked, issue) for d in i["decision_makers"]}
    read, found = svc.analytics.entries(power_map, drawn, campaign=camp)
    answers = [read]
    bosses = {c["key"] for d in found.values() for c in d["chain"]} - set(found)
    if bosses:
        read, above = svc.analytics.entries(power_map, bosses, campaign=camp)
        answers.append(read)
        found.update(above)
    elements, net_layout = figures.power_elements(
        {"decision_makers": list(found.values())}, ranked, issue)
    # The ranking follows the selector: the chosen issue, or every issue when none is chosen.
    chosen = next((i for i in ranked["issues"] if i["key"] == issue), None) if issue else None
    ranking = (figures.ranking_figure(chosen) if issue
               else figures.all_issues_ranking_figure(ranked))
    options = [{"label": f"{i['name']} ({i['angry']} angry)", "value": i["key"]}
               for i in ranked["issues"] if i["decision_makers"]]
    power = svc.analytics.answer(power_map, campaign=camp, first=ROWS + 1)
    answers.append(power)
    dms = power.value["decision_makers"]
    count = power.total or len(dms)
    if issue:
        # Those named for it (the head holds each issue's): read by key when they all fit in
        # the table (the pages holding them), else page after page until its most affecting
        # are found (those are near the head; by key, its least affecting would be read too).
        named = {d["key"] for i in power.value["issues"] if i["key"] == issue
                 for d in i["decision_makers"]}
        count = len(named)
        if count <= ROWS + 1:
            read, by_key = svc.analytics.entries(power_map, named, campaign=camp)
            dms = list(by_key.values())
        else:
            read, dms = svc.analytics.matching(power_map, lambda d: d["key"] in named, ROWS + 1,
                                               campaign=camp)
        answers.append(read)
    return (elements, net_layout, ranking, paths_table(user, dms, count), options), answers


def power_age(campaign: str | None) -> str | None:
    """How old the power map's chains and paths are (whole-graph answers are refreshed after
    a write; the rankings are as of it)."""
    svc = services()
    camp = svc.campaign(campaign)
    if camp is None:
        return None
    return _age_line(svc.analytics.answer("power_map", campaign=camp, first=0))


def _age_line(answer: Any) -> str:
    # (Lower-cased after its first word: "Chains and trusted paths updated just now.")
    words = age_text(answer)
    return (f"Who is named for what: as of the last 1-on-1. Chains, people affected and "
            f"trusted paths: {words[0].lower()}{words[1:]}")


def dm_detail(node: dict | None, campaign: str | None):
    """What a clicked decision maker controls, whom they answer to, and who can reach them."""
    if not node or node.get("kind") != "decision_maker":
        return html.P("Click a decision maker to see their chain and reach.", className="form-text")
    user = signed_in()
    svc = services()
    camp = svc.campaign(campaign)
    if camp is None:
        return None
    d = svc.analytics.entries(power_map, [node.get("id")], campaign=camp)[1].get(node.get("id"))
    if d is None:  # drawn from the rankings (as of the last write), not yet in the kept answer
        return html.P("Named since the power map was last computed: their chain and reach "
                      "show once it is computed again.", className="form-text")
    return html.Div([
        html.Strong(d["name"] + (f", {d['title']}" if d["title"] else "")),
        html.Div("Answers to: " + (" → ".join(c["name"] for c in d["chain"]) or "no one recorded")),
        html.Div("Direct reports: " + (", ".join(r["name"] for r in d["direct_reports"]) or "none")),
        html.Div("Named for: " + (", ".join(f"{i['name']} ({i['named_by']})" for i in d["issues"])
                                  or "nothing yet")),
        html.Div(f"People affected: {d['affected']}"),
        html.Div(["Trusted path: ", _path(user, d["trust_path"])]),
    ], className="small")


def register_callbacks(app: dash.Dash) -> None:
    app.clientside_callback(readable_fit_js(ids.POWER_NETWORK), Output(ids.POWER_FITTED, "data"),
                            Input(ids.POWER_NETWORK, "elements"))
    app.callback(
        Output(ids.POWER_NETWORK, "elements"), Output(ids.POWER_NETWORK, "layout"),
        Output(ids.POWER_RANKING, "figure"), Output(ids.POWER_PATHS, "children"),
        Output(ids.POWER_ISSUE, "options"), Output(ids.POWER_AGE, "children"),
        Input(ids.CAMPAIGN, "data"), Input(ids.POWER_ISSUE, "value"),
    )(update_power_page)
    app.callback(
        Output(ids.POWER_DM_DETAIL, "children"),
        Input(ids.POWER_NETWORK, "tapNodeData"), State(ids.CAMPAIGN, "data"),
    )(dm_detail)


register_page(__name__, path="/power", name="Power map", title="Power map · Collective Mapper",
                   order=3, layout=layout)
