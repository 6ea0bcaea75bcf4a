"""Talk to next: people not yet spoken with, ranked by trust ties and unit gaps; organic leaders."""

from __future__ import annotations

import dash
from dash import Input, Output, html

from dashboard import ids
from dashboard.auth import signed_in
from dashboard.components import (age_text, answer_age, card, not_for_role, page_head,
                                  person_link, table)
from dashboard.bulk_assign import assign_bar, register_bulk_assign, selectable_grid
from dashboard.exports import filters_query, list_downloads
from dashboard.listing import PeopleList, filters_bar, list_body, register_list
from dashboard.pages import register_page
from dashboard.services import services
from dashboard.tables import talk_list, talk_rows
from mapper.analytics.talk_next import SCORE_PARTS

COLUMNS = [
    {"field": "rank", "headerName": "#", "width": 64, "pinned": "left"},
    {"field": "name", "headerName": "Name", "width": 150, "pinned": "left", "wrapText": True},
    {"field": "unit", "headerName": "Unit", "width": 115, "wrapText": True},
    {"field": "score", "headerName": "Score", "width": 80,
     "headerTooltip": "The score adds up:\n• " + "\n• ".join(SCORE_PARTS)},
    {"field": "reasons", "headerName": "Why", "flex": 3, "minWidth": 300, "wrapText": True},
    {"field": "messenger", "headerName": "Messenger (who knows them)", "width": 190,
     "wrapText": True},
    {"field": "organizer", "headerName": "Messenger's organizer", "width": 150,
     "wrapText": True},
    {"field": "in_roster", "headerName": "On roster", "width": 100},
    {"field": "assigned_to", "headerName": "Assigned to", "width": 125, "wrapText": True},
    {"field": "issues", "headerName": "Messenger angry about", "width": 180, "hide": True,
     "cellDataType": False},  # (a list, filtered on: no type for the grid to infer)
]
FILTERS = [(ids.NEXT_FILTER_ORGANIZER, "Organizer (of the messenger)", "organizer"),
           (ids.NEXT_FILTER_UNIT, "Unit", "unit"),
           (ids.NEXT_FILTER_ISSUE, "Issue (the messenger is angry about)", "issues")]
#: What a card shows on a phone, under the name, unit and score.
CARD = [("Why", "reasons"), ("Messenger", "messenger"), ("Messenger's organizer", "organizer"),
        ("On roster", "in_roster"), ("Assigned to", "assigned_to")]
LIST = PeopleList("next", ids.NEXT_GRID, ids.NEXT_COUNT, talk_rows, COLUMNS, FILTERS, CARD)


def layout(**_query) -> html.Div:
    head = page_head("Talk to next",
                     "People nobody has spoken with yet, ranked by how many angry or committed "
                     "people trust them and by the gaps in their unit. Open a name to see the "
                     "person.", html.Strong(id=ids.NEXT_COUNT))
    if not signed_in().sees_people:
        return html.Div([head, not_for_role("Lists of people")])
    return html.Div([
        head,
        answer_age(ids.NEXT_AGE),
        card("Organic leaders: the people many others trust", html.Div(id=ids.NEXT_LEADERS)),
        filters_bar("next", FILTERS, sort=(LIST.id("sort"), LIST.sorts)),
        assign_bar("next"),
        list_body(LIST, selectable_grid(ids.NEXT_GRID, COLUMNS)),
        list_downloads("talk-next"),
    ])


def leaders(campaign: str | None):
    """The most trusted people (a short list of names: organizers and admins only)."""
    user = signed_in()
    if not user.sees_people:
        return None
    svc = services()
    camp = svc.campaign(campaign)
    if camp is None:
        return None
    top = svc.analytics.organic_leaders(campaign=camp)
    if not top:
        return html.P("No ties recorded yet.", className="muted-box")
    rows = [[person_link(e["name"], e["person"]), e["unit"], e["ties"],
             "organizer" if e.get("organizer") else "yes" if e["contacted"] else "not yet",
             "yes" if e["committed"] else "—"]
            for e in top]
    # Scrolls inside its card on a phone (the keyboard can scroll it too), never the page.
    return html.Div(table(["Name", "Unit", "Ties", "Spoken with", "Committed"], rows,
                          numeric={2}), style={"overflowX": "auto"}, tabIndex="0",
                    role="region", **{"aria-label": "Organic leaders"})


def talk_age(campaign: str | None) -> str | None:
    """How old the list shown is (whole-graph answers are refreshed after a write)."""
    if not signed_in().sees_people:
        return None
    svc = services()
    camp = svc.campaign(campaign)
    return None if camp is None else age_text(svc.analytics.answer(talk_list, campaign=camp,
                                                                          first=0))


def register_callbacks(app: dash.Dash) -> None:
    register_list(app, LIST)
    register_bulk_assign(app, "next", ids.NEXT_GRID, talk_rows, COLUMNS, FILTERS)
    app.callback(Output({"type": ids.EXPORT_QUERY, "list": "talk-next"}, "data"),
                 *[Input(fid, "value") for fid, _, _ in FILTERS])(filters_query)
    app.callback(Output(ids.NEXT_LEADERS, "children"), Input(ids.CAMPAIGN, "data"))(leaders)
    app.callback(Output(ids.NEXT_AGE, "children"), Input(ids.CAMPAIGN, "data"))(talk_age)


register_page(__name__, path="/next", name="Talk to next",
                   title="Talk to next · Collective Mapper", order=5, people=True, layout=layout)
