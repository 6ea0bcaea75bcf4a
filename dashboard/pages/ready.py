"""Ready to ask: contacts ranked by readiness, with the reasons, a suggested ask and a messenger."""

from __future__ import annotations

import dash
from dash import Input, Output, html

from dashboard import ids
from dashboard.auth import signed_in
from dashboard.components import not_for_role, page_head
from dashboard.bulk_assign import assign_bar, register_bulk_assign, selectable_grid
from dashboard.exports import filters_query, list_downloads
from dashboard.listing import filters_bar, register_list
from dashboard.pages import register_page
from dashboard.tables import ready_rows
from mapper.analytics.readiness import SCORE_PARTS

COLUMNS = [
    {"field": "rank", "headerName": "#", "filter": "agNumberColumnFilter", "width": 80,
     "pinned": "left"},
    {"field": "name", "headerName": "Name", "width": 170, "pinned": "left"},
    {"field": "unit", "headerName": "Unit", "width": 140},
    {"field": "organizer", "headerName": "Last organizer", "width": 140},
    {"field": "assigned_to", "headerName": "Assigned to", "width": 140},
    {"field": "score", "headerName": "Score", "filter": "agNumberColumnFilter", "width": 95,
     "headerTooltip": "The score adds up:\n• " + "\n• ".join(SCORE_PARTS)},
    {"field": "ready", "headerName": "Ready?", "width": 110},
    {"field": "top_issue", "headerName": "Top issue", "width": 170, "wrapText": True},
    {"field": "issues", "headerName": "Angry about", "width": 160, "hide": True},
    {"field": "reasons", "headerName": "Why", "flex": 2, "minWidth": 300, "wrapText": True,
     "tooltipField": "reasons"},
    {"field": "suggested_ask", "headerName": "Suggested ask", "flex": 1.3, "minWidth": 230,
     "wrapText": True, "tooltipField": "suggested_ask"},
    {"field": "messenger", "headerName": "Messenger", "width": 190, "wrapText": True},
]
FILTERS = [(ids.READY_FILTER_ORGANIZER, "Organizer", "organizer"),
           (ids.READY_FILTER_UNIT, "Unit", "unit"),
           (ids.READY_FILTER_ISSUE, "Angry about", "issues")]


def layout(**_query) -> html.Div:
    head = page_head("Ready to ask",
                     "Contacts not yet committed, most ready first, with the reasons, the ask "
                     "that fits the plan and who should make it. Click a row to open the person.",
                     html.Strong(id=ids.READY_COUNT))
    if not signed_in().sees_people:
        return html.Div([head, not_for_role("Lists of people")])
    return html.Div([head, filters_bar("ready", FILTERS, own_first=True), assign_bar("ready"),
        html.Div(selectable_grid(ids.READY_GRID, COLUMNS), id=f"{ids.READY_GRID}-wrap"),
        list_downloads("ready")])


def register_callbacks(app: dash.Dash) -> None:
    register_list(app, ids.READY_GRID, ids.READY_COUNT, ready_rows, COLUMNS, FILTERS,
                  make_grid=selectable_grid)
    register_bulk_assign(app, "ready", ids.READY_GRID, ready_rows, COLUMNS, FILTERS)
    app.callback(Output({"type": ids.EXPORT_QUERY, "list": "ready"}, "data"),
                 *[Input(fid, "value") for fid, _, _ in FILTERS])(filters_query)


register_page(__name__, path="/ready", name="Ready to ask",
                   title="Ready to ask · Collective Mapper", order=4, people=True, layout=layout)
