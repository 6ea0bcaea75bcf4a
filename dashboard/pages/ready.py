"""Ready to ask: contacts ranked by readiness, with the reasons, a suggested ask and a messenger."""

from __future__ import annotations

import dash
from dash import Input, Output, html

from dashboard import ids
from dashboard.auth import signed_in
from dashboard.components import not_for_role, page_head
from dashboard.bulk_assign import assign_bar, register_bulk_assign, selectable_grid
from dashboard.exports import filters_query, list_downloads
from dashboard.listing import PeopleList, filters_bar, list_body, register_list
from dashboard.pages import register_page
from dashboard.tables import ready_rows
from mapper.analytics.readiness import SCORE_PARTS

COLUMNS = [
    {"field": "rank", "headerName": "#", "width": 64, "pinned": "left"},
    {"field": "name", "headerName": "Name", "width": 150, "pinned": "left", "wrapText": True},
    {"field": "unit", "headerName": "Unit", "width": 115, "wrapText": True},
    {"field": "score", "headerName": "Score", "width": 80,
     "headerTooltip": "The score adds up:\n• " + "\n• ".join(SCORE_PARTS)},
    {"field": "reasons", "headerName": "Why", "flex": 3, "minWidth": 280, "wrapText": True},
    {"field": "suggested_ask", "headerName": "Suggested ask", "flex": 1.2, "minWidth": 170,
     "wrapText": True},
    {"field": "messenger", "headerName": "Messenger", "width": 150, "wrapText": True},
    # Both are said in "Why" already; hidden to leave it room (the downloads hold them).
    {"field": "top_issue", "headerName": "Top issue", "width": 150, "wrapText": True,
     "hide": True},
    {"field": "ready", "headerName": "Ready?", "width": 100, "hide": True},
    {"field": "organizer", "headerName": "Last organizer", "width": 130, "wrapText": True},
    {"field": "assigned_to", "headerName": "Assigned to", "width": 125, "wrapText": True},
    {"field": "issues", "headerName": "Angry about", "width": 160, "hide": True,
     "cellDataType": False},  # (a list, filtered on: no type for the grid to infer)
]
FILTERS = [(ids.READY_FILTER_ORGANIZER, "Organizer", "organizer"),
           (ids.READY_FILTER_UNIT, "Unit", "unit"),
           (ids.READY_FILTER_ISSUE, "Angry about", "issues")]
#: What a card shows on a phone, under the name, unit and score.
CARD = [("Why", "reasons"), ("Ask", "suggested_ask"), ("Messenger", "messenger"),
        ("Top issue", "top_issue"), ("Last organizer", "organizer"),
        ("Assigned to", "assigned_to")]
LIST = PeopleList("ready", ids.READY_GRID, ids.READY_COUNT, ready_rows, COLUMNS, FILTERS, CARD)


def layout(**_query) -> html.Div:
    head = page_head("Ready to ask",
                     "Contacts not yet committed, most ready first, with the reasons, the ask "
                     "that fits the plan and who should make it. Open a name to see the person.",
                     html.Strong(id=ids.READY_COUNT))
    if not signed_in().sees_people:
        return html.Div([head, not_for_role("Lists of people")])
    return html.Div([head, filters_bar("ready", FILTERS, own_first=True,
                                       sort=(LIST.id("sort"), LIST.sorts)),
                     assign_bar("ready"),
                     list_body(LIST, selectable_grid(ids.READY_GRID, COLUMNS)),
                     list_downloads("ready")])


def register_callbacks(app: dash.Dash) -> None:
    register_list(app, LIST)
    register_bulk_assign(app, "ready", ids.READY_GRID, ready_rows, COLUMNS, FILTERS)
    app.callback(Output({"type": ids.EXPORT_QUERY, "list": "ready"}, "data"),
                 *[Input(fid, "value") for fid, _, _ in FILTERS])(filters_query)


register_page(__name__, path="/ready", name="Ready to ask",
                   title="Ready to ask · Collective Mapper", order=4, people=True, layout=layout)
