"""Assign from a people list: "assign the selected / the top N to…" an organizer.

Planners and admins give contacts to anyone; an organizer may take free contacts for herself
(:func:`mapper.roles.may_assign`). Every assignment is written by
:func:`mapper.services.assign_people` as the signed-in user, the records the CLI writes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, dcc, html

from dashboard import ids
from dashboard.accounts import accounts
from dashboard.actions import refusal
from dashboard.auth import signed_in
from dashboard.grid import equals_filter, select
from dashboard.listing import people_grid
from dashboard.services import services
from dashboard.tables import list_rows
from mapper import services as actions
from mapper.keys import normalize

__all__ = ["SELECTION", "selectable_grid", "assign_bar", "bulk_assign", "register_bulk_assign",
           "assign_one", "organizer_choices"]

#: The grid option that puts a checkbox on every row (AG Grid's row selection object).
SELECTION = {"mode": "multiRow", "checkboxes": True, "headerCheckbox": False,
             "enableClickSelection": False}
#: The checkbox column: first, and pinned so it stays in sight on a phone.
SELECTION_COLUMN = {"pinned": "left", "width": 46, "minWidth": 46, "maxWidth": 46,
                    "resizable": False, "sortable": False, "suppressHeaderMenuButton": True}
DEFAULT_TOP = 5
#: The most contacts "the top N" gives at once (the page's box stops there; so does a forged
#: request).
MOST_AT_ONCE = 500


def selectable_grid(grid_id: str, columns: list[dict[str, Any]],
                    filter_model: dict[str, Any] | None = None):
    """The page's people grid, with a checkbox per row for those who may assign."""
    grid = people_grid(grid_id, columns)
    if signed_in().role in ("admin", "planner", "organizer"):
        grid.dashGridOptions = {**grid.dashGridOptions, "rowSelection": SELECTION,
                                "selectionColumnDef": SELECTION_COLUMN}
    if filter_model:
        grid.filterModel = filter_model
    return grid


def organizer_choices(snapshot) -> list[str]:
    """Whom contacts may be given to: the organizers the campaign's records name (as they
    spell them), and the active organizer accounts (a new one is in no record yet)."""
    names = {normalize(n): n for n in accounts().organizers(snapshot.campaign)}
    names.update({normalize(n): n for n in snapshot.organizers.values()})
    names.update({normalize(c.organizer): c.organizer for c in snapshot.conversations
                  if c.organizer})
    return sorted(names.values(), key=str.casefold)


def _organizers(campaign: str | None) -> list[str]:
    svc = services()
    camp = svc.campaign(campaign)
    if camp is None:
        return []
    # The campaign's organizers (a snapshot of nobody holds them all; else the whole one).
    kept = getattr(svc.store, "people_snapshot", None)
    snapshot = kept(camp, []) if kept is not None else None
    if snapshot is None:
        snapshot = svc.analytics.snapshot(camp)
    return organizer_choices(snapshot)


def assign_bar(prefix: str) -> html.Div | None:
    """The controls above a list: whom to assign to, "the selected", "the top N"."""
    user = signed_in()
    if user.role not in ("admin", "planner", "organizer"):
        return None
    mine = user.role == "organizer"
    to_id, sel_id, top_id, n_id, status_id = _ids(prefix)
    if mine:
        target = dcc.Dropdown(id=to_id, options=[{"label": "me", "value": user.organizer}],
                              value=user.organizer, clearable=False, disabled=True)
    else:
        target = dcc.Dropdown(id=to_id, placeholder="an organizer…", clearable=True)
    return html.Div([
        html.Div([
            html.Div([dbc.Label("Assign to", html_for=to_id, className="small mb-0"), target],
                     className="assign-to"),
            dbc.Button("Take the selected" if mine else "Assign the selected", id=sel_id,
                       size="sm", color="primary", className="assign-selected"),
            html.Span([
                html.Label("or the top", htmlFor=n_id, className="small"),
                dbc.Input(id=n_id, type="number", min=1, max=MOST_AT_ONCE, step=1,
                          value=DEFAULT_TOP, size="sm", className="assign-n"),
                dbc.Button("Take them" if mine else "Assign them", id=top_id, size="sm",
                           color="secondary"),
            ], className="assign-top"),
        ], className="assign-controls"),
        html.Div(id=status_id, role="status", className="assign-status form-text"),
    ], className="assign-bar mb-3")


def _ids(prefix: str) -> tuple[str, str, str, str, str]:
    if prefix == "ready":
        return (ids.READY_ASSIGN_TO, ids.READY_ASSIGN_SELECTED, ids.READY_ASSIGN_TOP,
                ids.READY_ASSIGN_N, ids.READY_ASSIGN_STATUS)
    return (ids.NEXT_ASSIGN_TO, ids.NEXT_ASSIGN_SELECTED, ids.NEXT_ASSIGN_TOP,
            ids.NEXT_ASSIGN_N, ids.NEXT_ASSIGN_STATUS)


def bulk_assign(shape: Callable, filter_columns: list[str], how: str,
                selected: list[dict[str, Any]] | None, to: str | None, n: Any,
                filter_values: list[str | None], campaign: str | None) -> tuple[str, bool]:
    """Assign ``how`` ("selected" rows or the "top" ``n`` unassigned rows the filters leave)
    to ``to``; returns what the page says and whether anything was written."""
    user = signed_in()
    if user.role == "organizer":
        to = user.organizer  # an organizer takes contacts for herself only
    if user.role not in ("admin", "planner", "organizer"):
        return "Your role may not assign contacts.", False
    if not to:
        return "Pick the organizer to assign to first.", False
    svc = services()
    camp = svc.campaign(campaign)
    if camp is None:
        return "No campaign yet.", False
    if how == "selected":
        keys = [str(r["person"]) for r in selected or [] if isinstance(r, dict) and r.get("person")]
        if not keys:
            return ("Select people with the boxes at the left first (on a phone: the Assign "
                    "button of a card).", False)
    else:
        try:
            top = int(n)
        except (TypeError, ValueError, OverflowError):
            top = 0
        if not 1 <= top <= MOST_AT_ONCE:
            return f"Say how many: a number from 1 to {MOST_AT_ONCE}.", False
        rows = select(list_rows(svc.analytics, shape, camp),
                      {"filterModel": equals_filter(**dict(zip(filter_columns, filter_values)))},
                      set(filter_columns))
        keys = [r["person"] for r in rows if not r.get("assigned_to")][:top]
        if not keys:
            return "No one unassigned left on this list.", False
    try:
        done = actions.assign_people(svc.store, user, camp, keys, to)
    except actions.ServiceError as exc:
        return f"Nothing assigned: {refusal(exc)}", False
    n_done, n_same = len(done.people), len(done.skipped)
    n_moved = sum(1 for _, _, was in done.people if was)  # taken from another's list
    said = f"Assigned {n_done} contact{'s' if n_done != 1 else ''} to {done.organizer}"
    said += f" ({n_moved} moved from another organizer)." if n_moved else "."
    if n_same:
        said += f" {n_same} already had them."
    return said, n_done > 0


def register_bulk_assign(app: dash.Dash, prefix: str, grid_id: str, shape: Callable,
                         columns: list[dict[str, Any]], filters: list[tuple[str, str, str]]) -> None:
    """Wire the assign bar of a people list (and its organizer choices)."""
    to_id, sel_id, top_id, n_id, status_id = _ids(prefix)
    filter_ids = [fid for fid, _, _ in filters]
    filter_columns = [col for _, _, col in filters]

    def on_click(_sel, _top, selected, to, n, campaign, *values):
        how = "selected" if dash.ctx.triggered_id == sel_id else "top"
        said, wrote = bulk_assign(shape, filter_columns, how, selected, to, n, list(values),
                                  campaign)
        # The list reads its page again: it now says who each contact is assigned to.
        return said, (time.monotonic_ns() if wrote else dash.no_update)

    def organizer_options(campaign):
        user = signed_in()
        if user.role == "organizer":
            return [{"label": "me", "value": user.organizer}]
        if user.role not in ("admin", "planner"):
            return []
        return [{"label": o, "value": o} for o in _organizers(campaign)]

    changed_id = f"{prefix}-changed"
    app.callback(Output(status_id, "children"), Output(changed_id, "data"),
                 Input(sel_id, "n_clicks"), Input(top_id, "n_clicks"),
                 State(grid_id, "selectedRows"), State(to_id, "value"), State(n_id, "value"),
                 State(ids.CAMPAIGN, "data"), *[State(fid, "value") for fid in filter_ids],
                 prevent_initial_call=True)(on_click)
    app.callback(Output(to_id, "options"), Input(ids.CAMPAIGN, "data"))(organizer_options)

    def on_card(_clicks, to, campaign):
        if not dash.ctx.triggered or not dash.ctx.triggered[0].get("value"):
            return dash.no_update, dash.no_update  # cards drawn again, not a click
        said, wrote = assign_one(shape, dash.ctx.triggered_id, to, campaign)
        return said, (time.monotonic_ns() if wrote else dash.no_update)

    app.callback(Output(status_id, "children", allow_duplicate=True),
                 Output(changed_id, "data", allow_duplicate=True),
                 Input({"type": ids.CARD_ASSIGN, "list": prefix, "person": ALL}, "n_clicks"),
                 State(to_id, "value"), State(ids.CAMPAIGN, "data"),
                 prevent_initial_call=True)(on_card)


def assign_one(shape: Callable, target: dict[str, Any] | None, to: str | None,
               campaign: str | None) -> tuple[str, bool]:
    """A card's Assign (or an organizer's Take) clicked: that one contact, through
    :func:`bulk_assign` and so the same role rules."""
    key = str((target or {}).get("person") or "")
    if not key:
        return "Nothing assigned.", False
    return bulk_assign(shape, [], "selected", [{"person": key}], to, None, [], campaign)
