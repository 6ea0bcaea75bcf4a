"""The people lists (ready to ask, talk to next): an AG Grid paged on the server, with filters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from dashboard import ids
from dashboard.auth import signed_in
from dashboard.components import person_href
from dashboard.grid import equals_filter, page
from dashboard.services import services
from dashboard.tables import choices

__all__ = ["people_grid", "grid_wrap", "filters_bar", "grid_rows", "filter_options", "grid_filter",
           "open_person", "register_list"]

BLOCK = 100


def people_grid(grid_id: str, columns: list[dict[str, Any]]) -> dag.AgGrid:
    return dag.AgGrid(
        id=grid_id, rowModelType="infinite", columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True, "filter": "agTextColumnFilter",
                       "filterParams": {"buttons": ["reset"], "maxNumConditions": 1},
                       "minWidth": 80, "cellStyle": {"lineHeight": "1.35", "paddingTop": "6px",
                                                     "paddingBottom": "6px"}},
        dashGridOptions={"cacheBlockSize": BLOCK, "maxBlocksInCache": 10,
                         "infiniteInitialRowCount": 1, "rowBuffer": 10,
                         "tooltipShowDelay": 300, "enableCellTextSelection": True,
                         "rowHeight": 78},
        getRowId="params.data.person", className="grid",
        style={"height": "560px"})


def own_organizer() -> str | None:
    """Where an organizer filter starts: at the signed-in organizer's own name (her own first);
    planners and admins start at all."""
    user = signed_in()
    return user.organizer if user.role == "organizer" else None


def filters_bar(prefix: str, filters: list[tuple[str, str, str]], *,
                own_first: bool = False) -> dbc.Row:
    """Drop-downs above a grid: (component id, label, column) triples. With ``own_first`` the
    ``organizer`` column's starts at :func:`own_organizer`, with that name among its options
    from the start (a drop-down drops a value its options do not hold)."""
    own = own_organizer() if own_first else None

    def start(column: str) -> dict[str, Any]:
        if column != "organizer" or not own:
            return {}
        return {"value": own, "options": [{"label": own, "value": own}]}

    return dbc.Row([dbc.Col([dbc.Label(label, html_for=fid, className="small mb-0"),
                             dcc.Dropdown(id=fid, placeholder="any", clearable=True,
                                          **start(column))], md=3)
                    for fid, label, column in filters], className="g-3 mb-3 align-items-end",
                   id=f"{prefix}-filters")


def grid_wrap(grid_id: str, columns: list[dict[str, Any]]) -> html.Div:
    return html.Div(people_grid(grid_id, columns), id=f"{grid_id}-wrap")


def _rows(shape: Callable, campaign: str | None) -> list[dict[str, Any]]:
    svc = services()
    camp = svc.campaign(campaign)
    return [] if camp is None else svc.analytics.run(shape, campaign=camp)


def grid_rows(shape: Callable, fields: set[str], request: dict | None, campaign: str | None):
    """One block of a people list; nothing at all for a role that may not see people."""
    user = signed_in()
    if not user.sees_people:
        return {"rowData": [], "rowCount": 0}, "Lists of people are not shown to your role."
    block = page(_rows(shape, campaign), request, fields)
    n = block["rowCount"]
    return block, f"{n:,} {'person' if n == 1 else 'people'}"


def filter_options(shape: Callable, columns: list[str], campaign: str | None):
    """The choices of each filter drop-down (empty for a role that may not see people)."""
    user = signed_in()
    if not user.sees_people:
        return [[] for _ in columns]
    rows = _rows(shape, campaign)
    own = own_organizer()
    out = []
    for c in columns:
        values = choices(rows, c)
        if c == "organizer" and own and own not in values:
            values = [own, *values]  # her own name stays choosable even with no rows
        out.append([{"label": v, "value": v} for v in values])
    return out


def grid_filter(columns: list[str]) -> Callable[..., dict[str, Any]]:
    def apply(*values: str | None) -> dict[str, Any]:
        """The grid's filter model for the drop-downs' choices (the grid then asks again)."""
        return equals_filter(**dict(zip(columns, values)))
    return apply


def open_person(cell: dict | None):
    """A click on a row opens that person's page."""
    if not cell or not cell.get("rowId"):
        return no_update
    signed_in()
    return person_href(str(cell["rowId"]))


def register_list(app: dash.Dash, grid_id: str, count_id: str, shape: Callable,
                  columns_defs: list[dict[str, Any]], filters: list[tuple[str, str, str]],
                  make_grid: Callable[[str, list[dict[str, Any]]], Any] | None = None) -> None:
    """Wire a people grid: server-side blocks, filter drop-downs, click to open a person.

    ``make_grid(grid_id, columns)`` builds the grid again for another campaign (the page's
    own kind of grid: with row checkboxes where contacts can be assigned)."""
    make_grid = make_grid or people_grid
    filter_ids = [fid for fid, _, _ in filters]
    columns = [col for _, _, col in filters]
    fields = {c["field"] for c in columns_defs}

    def fresh_grid(_campaign):
        # Another campaign: a new grid asks for its first block again.
        signed_in()
        return make_grid(grid_id, columns_defs)

    def rows_callback(request, campaign):
        return grid_rows(shape, fields, request, campaign)

    def options_callback(campaign):
        return filter_options(shape, columns, campaign)

    app.callback(Output(grid_id, "getRowsResponse"), Output(count_id, "children"),
                 Input(grid_id, "getRowsRequest"), State(ids.CAMPAIGN, "data"),
                 prevent_initial_call=True)(rows_callback)
    app.callback(*[Output(fid, "options") for fid in filter_ids],
                 Input(ids.CAMPAIGN, "data"))(options_callback)
    # Called on load too: a drop-down may start on a value (an organizer's own name).
    app.callback(Output(grid_id, "filterModel"),
                 *[Input(fid, "value") for fid in filter_ids])(grid_filter(columns))
    app.callback(Output(f"{grid_id}-wrap", "children"), Input(ids.CAMPAIGN, "data"),
                 prevent_initial_call=True)(fresh_grid)
    app.callback(Output(ids.NAVIGATE, "href", allow_duplicate=True),
                 Input(grid_id, "cellClicked"), prevent_initial_call=True)(open_person)
