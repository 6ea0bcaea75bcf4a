"""Overview: contacts, conversations over time, assessments, commitments, and structure per unit."""

from __future__ import annotations

from fractions import Fraction

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from dashboard import figures, ids
from dashboard.auth import signed_in
from dashboard.components import card, empty_campaign, graph, page_head, stat
from dashboard.pages import register_page
from dashboard.services import services
from mapper.analytics import readiness

TARGETS = [{"label": "simple majority (50%+)", "value": "0.5001"},
           {"label": "60%", "value": "0.6"},
           {"label": "supermajority (2/3)", "value": "2/3"},
           {"label": "75%", "value": "0.75"}]


def _graph(id_: str) -> dcc.Graph:
    return graph(id_, figures.empty_figure("Loading…"))


def layout(**_query) -> html.Div:
    return html.Div([
        page_head("Overview", "Where the campaign stands: who we have spoken with, how they "
                  "feel, what they have said yes to, and how close each unit is to a majority."),
        html.Div(id=ids.OVERVIEW_CARDS, className="mb-3"),
        dbc.Row([
            dbc.Col(card("Conversations per week", _graph(ids.OVERVIEW_TIMELINE)), xl=7, md=12),
            dbc.Col(card("Where contacts stand (latest assessment)",
                         _graph(ids.OVERVIEW_ASSESSMENT)), xl=5, md=12),
        ]),
        dbc.Row([
            dbc.Col(card("Commitments: asked, yes, done", _graph(ids.OVERVIEW_COMMITMENTS)),
                    xl=5, md=12),
            dbc.Col(card("Top issues", _graph("overview-top-issues")), xl=7, md=12),
        ]),
        card("Structure per unit vs the majority target",
             html.Div([dbc.Label("Target", html_for=ids.OVERVIEW_TARGET, className="me-2"),
                       dbc.Select(id=ids.OVERVIEW_TARGET, options=TARGETS, value="2/3",
                                  size="sm", style={"maxWidth": "16rem"})],
                      className="d-flex align-items-center mb-2"),
             _graph(ids.OVERVIEW_STRUCTURE), html.Div(id="overview-structure-note")),
    ])


def _target(value: str | None) -> float:
    """The majority target asked for, as a share in (0, 1]; 2/3 when it is not one.

    Two thirds is sent as "2/3", not 0.6667: 0.6667 × 120 rounds up to 81, one more supporter
    than `mapper structure`'s two thirds asks for.
    """
    try:
        share = float(Fraction(value)) if value else 2 / 3
    except (TypeError, ValueError, ZeroDivisionError):
        return 2 / 3
    return share if 0 < share <= 1 else 2 / 3


def update_overview(campaign: str | None, target: str | None):
    """Counts and charts of the campaign: aggregates only, the same for every role."""
    signed_in()
    svc = services()
    camp = svc.campaign(campaign)
    if camp is None:
        blank = figures.empty_figure()
        return empty_campaign(), blank, blank, blank, blank, blank, None
    a = svc.analytics
    o = a.overview(campaign=camp)
    s = a.structure(campaign=camp, target=_target(target))
    took_action = a.run(readiness.took_action, campaign=camp)
    c, k, t = o["counts"], o["commitments"], s["totals"]
    cards = dbc.Row([
        dbc.Col(stat("people known", c["people"], f"{c['in_roster']} on the roster"), md=2),
        dbc.Col(stat("contacted", c["contacted"],
                     f"{round(100 * (t['contacted_share'] or 0))}% of headcount"), md=2),
        dbc.Col(stat("conversations", c["conversations"], f"by {c['organizers']} organizers"), md=2),
        dbc.Col(stat("supporters", t["supporters"], f"{t['supporters_needed']:,} more to target"), md=2),
        dbc.Col(stat("committed", c["committed"], f"{took_action} took action"), md=2),
        dbc.Col(stat("asks answered yes", k["yes"], f"of {k['asked']} asks"), md=2),
    ], className="g-3")
    note = html.P(f"{t['units_at_target']} of {len(s['units'])} units at target; "
                  f"committee: {t['committed']} committed of {t['committee_needed']} needed "
                  f"(one per {s['committee_ratio']} workers).", className="form-text")
    return (cards, figures.timeline_figure(o["conversations_per_week"]),
            figures.assessment_figure(o["assessment"]),
            figures.commitments_figure(k, took_action), figures.structure_figure(s),
            figures.top_issues_figure(o["top_issues"]), note)


def register_callbacks(app: dash.Dash) -> None:
    app.callback(
        Output(ids.OVERVIEW_CARDS, "children"), Output(ids.OVERVIEW_TIMELINE, "figure"),
        Output(ids.OVERVIEW_ASSESSMENT, "figure"), Output(ids.OVERVIEW_COMMITMENTS, "figure"),
        Output(ids.OVERVIEW_STRUCTURE, "figure"), Output("overview-top-issues", "figure"),
        Output("overview-structure-note", "children"),
        Input(ids.CAMPAIGN, "data"), Input(ids.OVERVIEW_TARGET, "value"),
    )(update_overview)


register_page(__name__, path="/", name="Overview", title="Overview · Collective Mapper",
                   order=1, layout=layout)
