"""Follow-ups: per organizer, the thank-yous, assignments and commitments due or overdue."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, dcc, html

from dashboard import actions, components, figures, ids
from dashboard.auth import signed_in
from dashboard.components import card, empty_campaign, page_head, person_link, table
from dashboard.exports import dated_query
from dashboard.item_words import NOT_YOURS, item_words
from dashboard.pages import register_page
from dashboard.services import services
from mapper import clock

KINDS = {"thank_you": "thank-you", "assignment": "assignment", "commitment": "commitment",
         "talk_again": "talk again"}
AS_OF = ids.FOLLOW_AS_OF
PAGE = 25  # items drawn at first, and added by each "Show more"; the chart counts them all


def organizer_choice(user) -> dict:
    """The organizer drop-down's starting value and options: an organizer's own name (in the
    options too, or the browser drops it), everyone else all organizers."""
    own = actions.own_organizer(user)
    return {"value": own, "options": [{"label": own, "value": own}] if own else []}


def layout(**_query) -> html.Div:
    user = signed_in()
    return html.Div([
        page_head("Follow-ups", "What each organizer owes: thank-yous, assignments and "
                  "commitments overdue or due within a week."),
        dbc.Row([
            dbc.Col([dbc.Label("As of", html_for=AS_OF, className="small mb-0"),
                     dbc.Input(id=AS_OF, type="date", value=clock.today().isoformat(),
                               size="sm")], md=2),
            dbc.Col([dbc.Label("Organizer", html_for=ids.FOLLOW_ORGANIZER, className="small mb-0"),
                     dcc.Dropdown(id=ids.FOLLOW_ORGANIZER, placeholder="all organizers",
                                  **organizer_choice(user))],
                    md=3),
            dbc.Col(actions.downloads("follow-ups"),
                    id=ids.FOLLOW_DOWNLOADS, md="auto", className="ms-md-auto"),
        ], className="g-3 mb-3 align-items-end"),
        card("Due and overdue per organizer",
             components.graph(ids.FOLLOW_CHART, figures.empty_figure("Loading…"))),
        card("What to do", html.Div(id=ids.FOLLOW_STATUS, **{"aria-live": "polite"}),
             html.Div(id=ids.FOLLOW_TABLE, className="follow-table"),
             html.Div([html.Span(id=f"{ids.FOLLOW_MORE}-said", className="form-text"),
                       dbc.Button(f"Show {PAGE} more", id=ids.FOLLOW_MORE, size="sm",
                                  color="outline-primary", n_clicks=0,
                                  style={"display": "none"})], className="more-row")),
        dcc.Store(id=ids.FOLLOW_CHANGED),
        dcc.Store(id=ids.FOLLOW_LIMIT, data=PAGE),
    ])


def _when(days: int) -> html.Span:
    if days > 0:
        return html.Span(f"{days} day{'s' if days != 1 else ''} late",
                         className="badge bg-danger")
    if days == 0:
        return html.Span("today", className="badge bg-warning")
    return html.Span(f"in {-days} day{'s' if days != -1 else ''}", className="badge bg-light")


_as_of = actions.as_of_date


def update_follow_ups(campaign: str | None, as_of: str | None, organizer: str | None,
                      _changed=None, limit: int | None = PAGE):
    """Counts per organizer for everyone; the items (names of contacts) for organizers,
    planners and admins, with their actions for the organizer who owes them and admins."""
    user = signed_in()
    svc = services()
    camp = svc.campaign(campaign)
    if camp is None:
        return figures.empty_figure(), empty_campaign(), [], *_more(0, 0)
    today = _as_of(as_of)
    limit = actions.page_limit(limit, PAGE)
    # A page of the list: everyone's counts, and the items drawn alone (none for a reader who
    # sees the counts only), read from the store's read model as such. Without the campaign's
    # words: those this reader may read are read below, from the records of the items drawn.
    result = svc.analytics.follow_ups(campaign=camp, today=today, organizer=organizer or None,
                                      limit=limit if user.sees_people else 0, words=False)
    options = [{"label": f"{o['organizer']} ({o['overdue']} overdue, {o['due']} due)",
                "value": o["organizer"]} for o in result["organizers"]]
    own = actions.own_organizer(user)
    if own and own not in [o["value"] for o in options]:
        options.insert(0, {"label": f"{own} (nothing due)", "value": own})
    shown = [o for o in result["organizers"] if not organizer or o["organizer"] == organizer]
    figure = figures.follow_ups_figure({**result, "organizers": shown})
    if not user.sees_people:
        t = result["totals"]
        return (figure, html.P(f"{t['overdue']} overdue and {t['due']} due in all. The list of "
                               "people is shown to organizers and admins only.",
                               className="muted-box"), options, *_more(0, 0))
    items = [(o["organizer"], i) for o in shown for i in o["items"]]
    if not items:
        return figure, html.P("Nothing due.", className="muted-box"), options, *_more(0, 0)
    total = sum(o["overdue"] + o["due"] for o in shown)  # a page's worth is drawn
    # The words this user may read, from the records of the items drawn (the graph holds none).
    whats = item_words(user, svc.store, camp, items)
    acting = [actions.may_act(user, org) for org, _ in items]
    rows = [[org, person_link(i["name"], i["person"]), KINDS.get(i["kind"], i["kind"]),
             what, i["due"], _when(i["days_overdue"])]
            + ([actions.item_buttons(ids.FOLLOW_ACTION, i) if act else None] if any(acting)
               else [])
            for (org, i), what, act in zip(items, whats, acting)]
    columns = ["Organizer", "Person", "Kind", "What", "Due", "When"]
    return (figure, table(columns + (["Action"] if any(acting) else []), rows,
                          className="table table-sm table-hover stack-phone"),
            options, *_more(len(items), total, bool(organizer)))


def _more(shown: int, total: int, picked: bool = False) -> tuple[str, dict]:
    """What the "Show more" row says, and whether its button shows; ``picked`` when an
    organizer is picked (none left to pick: her download holds all of hers)."""
    if total <= shown:
        return (f"All {total:,} shown." if total > PAGE else ""), {"display": "none"}
    if shown >= actions.MOST_DRAWN:
        then = ("the download holds them all" if picked
                else "pick an organizer, or download the list")
        return (f"Showing {shown:,} of {total:,}, the most drawn at once: {then}.",
                {"display": "none"})
    return f"Showing {shown:,} of {total:,}{'' if picked else ' (or pick an organizer)'}.", {}


def more(_clicks, _campaign, _as_of, _organizer, limit: int | None) -> int:
    """"Show more" adds a page to the items drawn; another choice starts again at one page."""
    if dash.ctx.triggered_id == ids.FOLLOW_MORE:
        return actions.more_limit(limit, PAGE)
    return PAGE


def act(target: dict | None, campaign: str | None, as_of: str | None):
    """An action button of a row (or an Undo) clicked: write it through the services."""
    return actions.perform(ids.FOLLOW_ACTION, target, campaign, _as_of(as_of))




def register_callbacks(app: dash.Dash) -> None:
    app.callback(
        Output(ids.FOLLOW_CHART, "figure"), Output(ids.FOLLOW_TABLE, "children"),
        Output(ids.FOLLOW_ORGANIZER, "options"),
        Output(f"{ids.FOLLOW_MORE}-said", "children"), Output(ids.FOLLOW_MORE, "style"),
        Input(ids.CAMPAIGN, "data"), Input(AS_OF, "value"), Input(ids.FOLLOW_ORGANIZER, "value"),
        Input(ids.FOLLOW_CHANGED, "data"), Input(ids.FOLLOW_LIMIT, "data"),
    )(update_follow_ups)
    app.callback(
        Output(ids.FOLLOW_LIMIT, "data"),
        Input(ids.FOLLOW_MORE, "n_clicks"), Input(ids.CAMPAIGN, "data"), Input(AS_OF, "value"),
        Input(ids.FOLLOW_ORGANIZER, "value"), State(ids.FOLLOW_LIMIT, "data"),
        prevent_initial_call=True,
    )(more)
    app.callback(
        Output(ids.FOLLOW_STATUS, "children"), Output(ids.FOLLOW_CHANGED, "data"),
        Input({"type": ids.FOLLOW_ACTION, "do": ALL, "person": ALL, "item": ALL, "value": ALL},
              "n_clicks"),
        State(ids.CAMPAIGN, "data"), State(AS_OF, "value"), prevent_initial_call=True,
    )(actions.on_click(ids.FOLLOW_ACTION))
    app.callback(Output({"type": ids.EXPORT_QUERY, "list": "follow-ups"}, "data"),
                 Input(AS_OF, "value"), Input(ids.FOLLOW_ORGANIZER, "value"))(dated_query)


register_page(__name__, path="/follow-ups", name="Follow-ups",
                   title="Follow-ups · Collective Mapper", order=6, layout=layout)
