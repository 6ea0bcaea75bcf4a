"""The people lists (ready to ask, talk to next), a page at a time: filtered, sorted and sliced
on the server; shown as cards on a phone and as a grid whose rows grow to fit on a desktop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, dcc, html, no_update

from dashboard import ids
from dashboard.auth import signed_in
from dashboard.components import person_href, person_link
from dashboard.grid import MAX_BLOCK, equals_filter, page, select
from dashboard.services import services
from dashboard.tables import (KEPT_COUNTS, KEPT_HEADS, RankedRows, choices, complete,
                             counted_choices, list_rows, read_again)
from mapper.roles import sees_contact_details

__all__ = ["PAGE", "PeopleList", "people_grid", "grid_wrap", "filters_bar", "grid_rows",
           "filter_options", "grid_filter", "open_person", "list_body", "list_page",
           "person_card", "reachable", "conversation_ids", "register_list"]

PAGE = 25  # rows per page: what a phone draws at once, however long the list

Row = dict[str, Any]


@dataclass(frozen=True)
class PeopleList:
    """What a people list page is made of: its ids, rows, grid columns, filters and card."""
    prefix: str                                  # "ready" or "next"
    grid: str
    count: str
    shape: Callable[..., list[Row]]
    columns: list[dict[str, Any]]
    filters: list[tuple[str, str, str]]         # (drop-down id, label, column)
    card_fields: list[tuple[str, str]]          # (label, row field) shown on a card, in order
    sorts: list[tuple[str, str]] = field(default_factory=lambda: [
        ("rank", "Rank (as ranked)"), ("name", "Name"), ("unit", "Unit"),
        ("assigned_to", "Assigned to")])

    def id(self, part: str) -> str:
        return getattr(ids, f"{self.prefix.upper()}_{part.upper()}")

    @property
    def fields(self) -> set[str]:
        return {c["field"] for c in self.columns}


def _fit(column: dict[str, Any]) -> dict[str, Any]:
    # Rows grow to fit wrapped text: the grid holds one page (client-side rows), so it can.
    out = {k: v for k, v in column.items() if k != "filter"}
    if out.get("wrapText"):
        out["autoHeight"] = True
    return out


def people_grid(grid_id: str, columns: list[dict[str, Any]]) -> dag.AgGrid:
    """A page of people as a grid: every row tall enough for its text, the grid as tall as its
    rows (no inner scroll box), headers wrapped rather than cut. Sorting and filtering are the
    server's (the drop-downs above), so the grid's own are off: they would sort one page."""
    return dag.AgGrid(
        id=grid_id, rowData=[], columnDefs=[_fit(c) for c in columns],
        defaultColDef={"sortable": False, "resizable": True, "filter": False,
                       "wrapHeaderText": True, "autoHeaderHeight": True,
                       "suppressHeaderMenuButton": True, "minWidth": 60,
                       "cellStyle": {"lineHeight": "1.35", "paddingTop": "6px",
                                     "paddingBottom": "6px"}},
        dashGridOptions={"domLayout": "autoHeight", "tooltipShowDelay": 300,
                         "enableCellTextSelection": True, "suppressCellFocus": False},
        getRowId="params.data.person", className="grid list-grid",
        style={"height": None, "width": "100%"})


def own_organizer() -> str | None:
    """Where an organizer filter starts: at the signed-in organizer's own name (her own first);
    planners and admins start at all."""
    user = signed_in()
    return user.organizer if user.role == "organizer" else None


def filters_bar(prefix: str, filters: list[tuple[str, str, str]], *,
                own_first: bool = False, sort: tuple[str, list[tuple[str, str]]] | None = None
                ) -> dbc.Row:
    """Drop-downs above a list: (component id, label, column) triples, and a "Sort by" when
    ``sort`` (its id, its (value, label) choices) is given. With ``own_first`` the
    ``organizer`` column's starts at :func:`own_organizer`, with that name among its options
    from the start (a drop-down drops a value its options do not hold)."""
    own = own_organizer() if own_first else None

    def start(column: str) -> dict[str, Any]:
        if column != "organizer" or not own:
            return {}
        return {"value": own, "options": [{"label": own, "value": own}]}

    cols = [dbc.Col([dbc.Label(label, html_for=fid, className="small mb-0"),
                     dcc.Dropdown(id=fid, placeholder="any", clearable=True, **start(column))],
                    md=3)
            for fid, label, column in filters]
    if sort:
        sort_id, sorts = sort
        cols.append(dbc.Col([dbc.Label("Sort by", html_for=sort_id, className="small mb-0"),
                             dcc.Dropdown(id=sort_id, value=sorts[0][0], clearable=False,
                                          searchable=False,
                                          options=[{"label": lab, "value": v}
                                                   for v, lab in sorts])], md=3))
    return dbc.Row(cols, className="g-3 mb-3 align-items-end", id=f"{prefix}-filters")


def grid_wrap(grid_id: str, columns: list[dict[str, Any]]) -> html.Div:
    return html.Div(people_grid(grid_id, columns), id=f"{grid_id}-wrap")


def _rows(shape: Callable, campaign: str | None) -> list[dict[str, Any]]:
    svc = services()
    camp = svc.campaign(campaign)
    return [] if camp is None else list_rows(svc.analytics, shape, camp)


def _sorted(shape: Callable, campaign: str | None, rows: list[Row], column: str) -> list[Row]:
    """``rows`` in the order of ``column``, kept as :func:`_choices` is (sorting 100k rows
    takes seconds; a page of them should not)."""
    return _read_once(shape, campaign, rows, "sorted:" + column, lambda: list(
        select(rows, {"sortModel": [{"colId": column, "sort": "asc"}]})))


def grid_rows(shape: Callable, fields: set[str], request: dict | None, campaign: str | None):
    """One block of a people list; nothing at all for a role that may not see people."""
    user = signed_in()
    if not user.sees_people:
        return {"rowData": [], "rowCount": 0}, "Lists of people are not shown to your role."
    return read_again(lambda: _block(shape, fields, request, campaign))


def _block(shape: Callable, fields: set[str], request: dict | None, campaign: str | None):
    first = _first_block(shape, request, campaign)
    if first is not None:
        return first
    rows = _whole(_rows(shape, campaign), request)
    source = rows
    sort = [s for s in (request or {}).get("sortModel") or [] if isinstance(s, dict)]
    if (len(sort) == 1 and sort[0].get("colId") in fields and sort[0].get("sort") == "asc"):
        # One column, ascending (what the Sort by drop-down asks): sorted once per store version.
        rows = _sorted(shape, campaign, rows, str(sort[0]["colId"]))
        request = {**(request or {}), "sortModel": []}
    block = page(rows, request, fields)
    # A read model's rows are ranked: only those drawn are computed whole.
    block["rowData"] = complete(source, block["rowData"])
    n = block["rowCount"]
    return block, f"{n:,} {'person' if n == 1 else 'people'}"


def _first_block(shape: Callable, request: dict | None, campaign: str | None):
    """A list's first block, in its own order (no filter nor sort asked), from the head of
    the ranking the store keeps (:data:`~dashboard.tables.KEPT_HEADS`) while this process
    holds none of its rows of the store's version: not every row made first (1.6 s at a
    million people, in a new process and each time the ranking is kept anew); nor for the
    filters' choices, asked beside it (:func:`_kept_counts`). None otherwise."""
    head = KEPT_HEADS.get(shape)
    request = request or {}
    if (head is None or request.get("sortModel") or request.get("filterModel")
            or int(request.get("startRow") or 0) != 0):
        return None
    store_camp = _unheld(shape, campaign)
    if store_camp is None:
        return None
    found = head(*store_camp, min(int(request.get("endRow") or 100), MAX_BLOCK))
    if found is None:
        return None
    rows, n = found
    return ({"rowData": complete(rows, list(rows)), "rowCount": n},
            f"{n:,} {'person' if n == 1 else 'people'}")


def _whole(rows: list[Row], request: dict | None) -> list[Row]:
    """``rows``, each whole (:func:`~dashboard.tables.complete`) when ``request`` filters or
    sorts on a field the ranked rows of a read model do not hold."""
    if not isinstance(rows, RankedRows) or not rows:
        return rows
    asked = {s.get("colId") for s in (request or {}).get("sortModel") or [] if isinstance(s, dict)}
    asked |= set((request or {}).get("filterModel") or {})
    return complete(rows, list(rows)) if asked - set(rows[0]) else rows


def filter_options(shape: Callable, columns: list[str], campaign: str | None):
    """The choices of each filter drop-down (empty for a role that may not see people)."""
    user = signed_in()
    if not user.sees_people:
        return [[] for _ in columns]
    counted = _kept_counts(shape, campaign) or {}
    rows = [] if set(columns) <= set(counted) else _rows(shape, campaign)
    own = own_organizer()
    out = []
    for c in columns:
        values = (counted_choices(counted[c]) if c in counted
                  else _choices(shape, campaign, rows, c))
        if c == "organizer" and own and own not in values:
            values = [own, *values]  # her own name stays choosable even with no rows
        out.append([{"label": v, "value": v} for v in values])
    return out


def _kept_counts(shape: Callable, campaign: str | None) -> dict[str, dict[Any, int]] | None:
    """What a list's filters offer, counted with the ranking the store keeps
    (:data:`~dashboard.tables.KEPT_COUNTS`) while this process holds none of the list's rows
    of the store's version: its rows not made for them (2 s at a million people, in a new
    process and each time the ranking is kept anew), as its first block is not
    (:func:`_first_block`). None otherwise."""
    kept = KEPT_COUNTS.get(shape)
    store_camp = _unheld(shape, campaign) if kept is not None else None
    return kept(*store_camp) if store_camp is not None else None


def _unheld(shape: Callable, campaign: str | None) -> tuple[Any, str] | None:
    """The store (as the analytics read it) and the campaign, while this process holds none
    of the list's rows of the store's version (read from what the store keeps, then); None
    once it does."""
    svc = services()
    camp = svc.campaign(campaign)
    if camp is None or svc.analytics.holds(shape, campaign=camp):
        return None
    return svc.analytics.store, camp


#: What is read once from a list's rows (a filter's choices, the rows sorted by a column):
#: ``{(list, campaign, what): (rows, what they gave)}``, of the latest rows read alone. (Held
#: by the rows' identity, 24 at most, it kept up to eight versions of a list alive in a
#: worker under writes: at a million people, hundreds of MB each.)
_READ_ONCE: dict[tuple[Callable, str | None, str], tuple[list, Any]] = {}
_READ_ONCE_LOCK = threading.Lock()


def _read_once(shape: Callable, campaign: str | None, rows: list[Row], what: str,
               compute: Callable[[], Any]) -> Any:
    """``compute()`` of ``rows`` (of the list ``shape``), kept while they are the rows the
    analytics cache hands out (the same object until the store changes)."""
    key = (shape, campaign, what)
    with _READ_ONCE_LOCK:
        hit = _READ_ONCE.get(key)
        if hit is not None and hit[0] is rows:
            return hit[1]
    value = compute()
    with _READ_ONCE_LOCK:
        _READ_ONCE[key] = (rows, value)
    return value


def _choices(shape: Callable, campaign: str | None, rows: list[Row], column: str) -> list[str]:
    """:func:`~dashboard.tables.choices`, read once per list of rows (:func:`_read_once`): not
    read again from 100k rows on every visit."""
    return _read_once(shape, campaign, rows, column, lambda: choices(rows, column))


def let_go_of_lists() -> None:
    """Drop the lists' rows this process holds beside the analytics' cache (the filters'
    choices, the Ready list's kept order): told when the cache let go of what a forget made
    old (:attr:`mapper.analytics.cached.Analytics.on_let_go`)."""
    from dashboard.tables import _ReadyBase

    with _READ_ONCE_LOCK:
        _READ_ONCE.clear()
    _ReadyBase.drop_all()


def grid_filter(columns: list[str]) -> Callable[..., dict[str, Any]]:
    def apply(*values: str | None) -> dict[str, Any]:
        """The filter model for the drop-downs' choices."""
        return equals_filter(**dict(zip(columns, values)))
    return apply


def open_person(cell: dict | None):
    """A click on a row opens that person's page."""
    if not cell or not cell.get("rowId"):
        return no_update
    signed_in()
    return person_href(str(cell["rowId"]))


def conversation_ids(snapshot) -> dict[str, list[tuple[str, str]]]:
    """``person -> [(date, conversation id)]``, oldest first: where a person's phone and email
    are written (ids only; read once per store version)."""
    from mapper.projection import conversation_key

    out: dict[str, list[tuple[str, str]]] = {}
    for c in snapshot.conversations:
        out.setdefault(c.person, []).append((c.date.isoformat() if c.date else "",
                                             conversation_key(snapshot.campaign, c.id)))
    for held in out.values():
        held.sort()
    return out


def reachable(keys: list[str], campaign: str) -> dict[str, dict[str, str]]:
    """Phone and email of the people the signed-in user may see them for
    (:func:`mapper.roles.sees_contact_details`), from the newest 1-on-1 stating each, else
    their roster row; nobody else's leaves the server. One read of the records of those
    people's 1-on-1s, one of their roster rows."""
    from dashboard.exports import dialable
    from mapper.privacy import rosters_details

    user = signed_in()
    svc = services()
    keys = list(dict.fromkeys(keys))
    # Whether a user may see someone's details depends on that person's own 1-on-1s and
    # assignment: a snapshot of the people shown (the read model's), else the campaign's.
    kept = getattr(svc.store, "people_snapshot", None)
    snapshot = kept(campaign, keys) if kept is not None else None
    if snapshot is None:
        snapshot = svc.analytics.snapshot(campaign)
        held = svc.analytics.run(conversation_ids, campaign=campaign)
    else:
        held = conversation_ids(snapshot)
    allowed = [k for k in keys if sees_contact_details(user, k, snapshot)]
    if not allowed:
        return {}
    records = {r.id: r.body for r in svc.store.get_records(
        [cid for k in allowed for _, cid in held.get(k, [])])}
    rosters = rosters_details(svc.store, campaign, allowed)
    out: dict[str, dict[str, str]] = {}
    for key in allowed:
        found: dict[str, str] = {}
        roster = rosters.get(key, {})  # the roster's first: a 1-on-1 stating one is newer
        if roster.get("phone"):
            found["phone"] = str(roster["phone"])
            found["tel"] = dialable(found["phone"])
        if roster.get("email"):
            found["email"] = str(roster["email"])
        for _, cid in held.get(key, []):  # oldest first: the newest stating one wins
            contact = (records.get(cid) or {}).get("contact") or {}
            if contact.get("phone"):
                found["phone"] = str(contact["phone"])
                found["tel"] = dialable(found["phone"])
            if contact.get("email"):
                found["email"] = str(contact["email"])
        if found:
            out[key] = found
    return out


def _assign_button(spec: PeopleList, row: Row, user) -> dbc.Button | None:
    """A card's own "Take" (an organizer, a free contact) or "Assign" (planners and admins, to
    the organizer picked above the list)."""
    if user.role == "organizer":
        if row.get("assigned_to"):
            return None
        label = "Take"
    elif user.role in ("admin", "planner"):
        label = "Assign"
    else:
        return None
    return dbc.Button(label, id={"type": ids.CARD_ASSIGN, "list": spec.prefix,
                                 "person": row["person"]},
                      size="sm", color="outline-primary", className="me-1 mb-1 action",
                      n_clicks=0)


def person_card(spec: PeopleList, row: Row, contact: dict[str, str] | None, user) -> html.Article:
    """One row of a list as a card: name, unit and score, the card's fields (the reasons, the
    ask, the messenger...), a call and a mail link where the user may see them, the actions."""
    where = " · ".join(str(v) for v in (row.get("unit"),) if v)
    head = html.Div([html.Span(f"#{row.get('rank')}", className="list-rank"),
                     person_link(row["name"], row["person"]),
                     html.Span(where, className="text-muted small") if where else None,
                     html.Span(f"score {row['score']}", className="badge bg-light text-dark")
                     if row.get("score") is not None else None],
                    className="list-card-head")
    facts = []
    for label, f in spec.card_fields:
        value = row.get(f)
        if value in (None, "", [], ()):
            continue
        facts += [html.Dt(label), html.Dd(", ".join(value) if isinstance(value, (list, tuple))
                                          else str(value))]
    reach = []
    if contact and contact.get("tel"):
        reach.append(html.A(["Call ", contact["phone"]], href="tel:" + contact["tel"],
                            className="btn btn-sm btn-outline-success me-1 mb-1"))
    if contact and contact.get("email"):
        reach.append(html.A(["Mail ", contact["email"]], href="mailto:" + contact["email"],
                            className="btn btn-sm btn-outline-secondary me-1 mb-1"))
    act = _assign_button(spec, row, user)
    return html.Article([
        head, html.Dl(facts, className="list-card-facts"),
        html.Div(reach + ([act] if act else []), className="list-card-actions")
        if reach or act else None,
    ], className="list-card", **{"data-person": row["person"]})


def list_page(spec: PeopleList, values: list[str | None], sort: str | None, start: int,
              campaign: str | None) -> dict[str, Any]:
    """The page of ``spec``'s list starting at ``start`` for the filters' ``values`` and
    ``sort``: its rows (for the grid), its cards, the count and where the page is."""
    model = equals_filter(**{col: v for (_, _, col), v in zip(spec.filters, values)})
    # Rows come ranked: only another order is sorted (100k rows take a moment).
    # (Only the sorts it offers: another would read every row of a long list whole.)
    sort_model = ([{"colId": sort, "sort": "asc"}]
                  if sort and sort != "rank" and sort in dict(spec.sorts) else [])
    request = {"startRow": start, "endRow": start + PAGE, "sortModel": sort_model,
               "filterModel": model}
    block, said = grid_rows(spec.shape, spec.fields, request, campaign)
    n = block["rowCount"]
    if n and start >= n:  # the list got shorter (filters, assignments): its last page
        start = (n - 1) // PAGE * PAGE
        block, said = grid_rows(spec.shape, spec.fields, {**request, "startRow": start,
                                                          "endRow": start + PAGE}, campaign)
    rows = block["rowData"]
    user = signed_in()
    camp = services().campaign(campaign)
    contacts = reachable([r["person"] for r in rows], camp) if rows and camp else {}
    cards = [person_card(spec, r, contacts.get(r["person"]), user) for r in rows]
    where = f"{start + 1:,}–{start + len(rows):,} of {n:,}" if rows else ""
    return {"rows": rows, "cards": cards, "count": said, "start": start, "where": where,
            "first": start == 0, "last": start + PAGE >= n}


def list_body(spec: PeopleList, grid) -> html.Div:
    """The list itself: the grid (wide screens), the cards (phones), the pager."""
    pager = html.Nav([
        dbc.Button("← Previous", id=spec.id("prev"), size="sm", color="outline-secondary",
                   n_clicks=0, disabled=True),
        html.Span(id=spec.id("pager"), className="list-where", **{"aria-live": "polite"}),
        dbc.Button(f"Next {PAGE} →", id=spec.id("next"), size="sm", color="outline-primary",
                   n_clicks=0, disabled=True),
    ], className="list-pager", **{"aria-label": "Pages of the list"})
    return html.Div([
        html.Div(grid, id=f"{spec.grid}-wrap", className="list-wide"),
        html.Div(id=spec.id("cards"), className="list-cards"),
        pager,
        dcc.Store(id=spec.id("start"), data=0),
        dcc.Store(id=spec.id("changed")),
    ])


def register_list(app: dash.Dash, spec: PeopleList) -> None:
    """Wire a people list: a page at a time from the server (drop-down filters, sort, previous
    and next), the filter drop-downs' choices, a click on a grid row to open the person."""
    filter_ids = [fid for fid, _, _ in spec.filters]
    columns = [col for _, _, col in spec.filters]
    prev_id, next_id, changed_id = spec.id("prev"), spec.id("next"), spec.id("changed")

    def update(_prev, _next, _changed, sort, campaign, *rest):
        *values, start = rest
        trigger = dash.ctx.triggered_id
        start = int(start or 0)
        if trigger == prev_id:
            start = max(0, start - PAGE)
        elif trigger == next_id:
            start += PAGE
        elif trigger != changed_id:  # new filters, sort or campaign: from the top
            start = 0
        out = list_page(spec, list(values), sort, start, campaign)
        return (out["rows"], out["cards"], out["count"], out["start"], out["where"],
                out["first"], out["last"])

    def options_callback(campaign):
        return filter_options(spec.shape, columns, campaign)

    app.callback(Output(spec.grid, "rowData"), Output(spec.id("cards"), "children"),
                 Output(spec.count, "children"), Output(spec.id("start"), "data"),
                 Output(spec.id("pager"), "children"), Output(prev_id, "disabled"),
                 Output(next_id, "disabled"),
                 Input(prev_id, "n_clicks"), Input(next_id, "n_clicks"),
                 Input(changed_id, "data"), Input(spec.id("sort"), "value"),
                 Input(ids.CAMPAIGN, "data"), *[Input(fid, "value") for fid in filter_ids],
                 State(spec.id("start"), "data"))(update)
    app.callback(*[Output(fid, "options") for fid in filter_ids],
                 Input(ids.CAMPAIGN, "data"))(options_callback)
    app.callback(Output(ids.NAVIGATE, "href", allow_duplicate=True),
                 Input(spec.grid, "cellClicked"), prevent_initial_call=True)(open_person)
