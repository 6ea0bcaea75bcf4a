"""Actions on list rows (close a follow-up item, log an attempt) and their undo.

Every write goes through :mod:`mapper.services` as the signed-in user, so the role rules are
checked there and the same records as the CLI's are written. A button's id names what it
does (``do``), the contact (``person``, a key), the follow-up item (``item``) and the update
or outcome (``value``); a forged id gets whatever the services allow the user, no more.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from dashboard.auth import signed_in
from dashboard.grid import MAX_BLOCK
from dashboard.services import services
from mapper import clock, roles, services as svc_api
from mapper.services import ServiceError

__all__ = ["ITEM_ACTIONS", "ATTEMPTS", "may_act", "button", "item_buttons", "attempt_menu",
           "as_of_date", "page_limit", "more_limit", "MOST_DRAWN", "refusal", "on_click",
           "perform", "downloads", "own_organizer"]

#: The buttons of a follow-up item, by kind: (label, closing update).
ITEM_ACTIONS = {
    "assignment": [("done", "assignment_done"), ("not done", "assignment_not_done")],
    "thank_you": [("sent", "thank_you_sent")],
    "commitment": [("kept", "commitment_kept"), ("missed", "commitment_missed")],
    "talk_again": [("talked", "talked_again")],
}
#: How a contact attempt ended: (label, outcome).
ATTEMPTS = [("no answer", "no_answer"), ("not now", "not_now"),
            ("wrong number", "wrong_number"), ("refused", "refused"), ("left", "left")]
_SAID = {"assignment_done": "assignment marked done", "assignment_not_done":
         "assignment marked not done", "thank_you_sent": "thank-you marked sent",
         "commitment_kept": "commitment marked kept", "commitment_missed":
         "commitment marked missed", "talked_again": "talk marked held"}


def own_organizer(user) -> str | None:
    """The organizer a page opens on: an organizer's own name; everyone else sees all."""
    return user.organizer if user.role == "organizer" else None


def may_act(user, organizer: str | None) -> bool:
    """Whether ``user`` gets action buttons on an item or contact of ``organizer``: an admin
    on all, an organizer on her own; planners and viewers record nothing."""
    return user.role == "admin" or roles.is_own(user, organizer)


def button(kind: str, do: str, label: str, *, person: str = "", item: str = "",
           value: str = "", color: str = "outline-primary") -> dbc.Button:
    return dbc.Button(label, id={"type": kind, "do": do, "person": person, "item": item,
                                 "value": value},
                      size="sm", color=color, className="me-1 mb-1 action", n_clicks=0)


def item_buttons(kind: str, item: dict[str, Any]) -> list[dbc.Button]:
    """The closing buttons of a follow-up item (``id``, ``person``, ``kind``)."""
    return [button(kind, "close", label, person=item["person"], item=item["id"], value=update,
                   color="success" if i == 0 else "outline-secondary")
            for i, (label, update) in enumerate(ITEM_ACTIONS.get(item["kind"], []))]


def attempt_menu(kind: str, person: str) -> html.Div:
    """"Log an attempt": one small button per outcome (a tap each, on a phone too)."""
    return html.Div([html.Span("log an attempt:", className="attempt-label")]
                    + [button(kind, "attempt", label, person=person, value=outcome,
                              color="outline-secondary") for label, outcome in ATTEMPTS],
                    className="attempts")


def _person(snapshot, person_key: str) -> tuple[str, str]:
    """A person's name, and how the services are told of her
    (:func:`mapper.services.person_ref`: one known by a custom id is not found by her name)."""
    person = snapshot.people.get(person_key)
    if person is None:
        raise svc_api.NotFound("person: not in this campaign")
    return person.name, svc_api.person_ref(person)


def as_of_date(value: str | None) -> dt.date:
    """A page's "As of" field as a date (today when empty or not a date)."""
    try:
        return dt.date.fromisoformat(value) if value else clock.today()
    except (TypeError, ValueError):
        return clock.today()


def refusal(exc: ServiceError) -> str:
    """Why the services refused, in the dashboard's words: they name the CLI's option first
    ("--to: ...", "--done: ..."), which no one typed here; the words after it are the reason.

    >>> refusal(ServiceError("--to: your role may not give this contact to that organizer"))
    'your role may not give this contact to that organizer'
    """
    return re.sub(r"^-{2}[\w-]+: ", "", str(exc))


#: The most rows a list draws at once, by "Show more" (a grid's block, as many): a longer
#: list is for an organizer picked, or its download.
MOST_DRAWN = MAX_BLOCK


def page_limit(limit: Any, page: int) -> int:
    """How many rows a list draws, from its "Show more" store: one page, or as many pages as
    "Show more" offers (at most :data:`MOST_DRAWN` rows). A value the page never sends (not
    a whole number of pages, or more than that: a forged request) is refused, drawing
    nothing, rather than a server error or the whole list at once.

    >>> page_limit(None, 25), page_limit(50, 25), page_limit("75", 25)
    (25, 50, 75)
    """
    from dash.exceptions import PreventUpdate

    if limit is None:
        return page
    if isinstance(limit, bool) or not isinstance(limit, (int, str)):
        raise PreventUpdate
    try:
        rows = int(limit)
    except ValueError:
        raise PreventUpdate from None
    if not page <= rows <= max(page, MOST_DRAWN) or rows % page:
        raise PreventUpdate
    return rows


def more_limit(limit: Any, page: int) -> int:
    """What "Show more" asks for next: a page more than ``limit``, up to :data:`MOST_DRAWN`."""
    return min(page_limit(limit, page) + page, max(page, MOST_DRAWN // page * page))


def on_click(kind: str):
    """The callback of a page's action buttons of ``kind``: acts only on a real click (a list
    drawn again fires its buttons' callback with no click)."""
    def clicked(_clicks, campaign: str | None, as_of: str | None) -> tuple[Any, Any]:
        import dash

        if not dash.ctx.triggered or not dash.ctx.triggered[0].get("value"):
            return dash.no_update, dash.no_update
        return perform(kind, dash.ctx.triggered_id, campaign, as_of_date(as_of))
    return clicked


def perform(kind: str, target: dict[str, Any] | None, campaign: str | None,
            today: dt.date) -> tuple[Any, Any]:
    """Do what the button ``target`` (its id) says, as the signed-in user: the status line
    (with an Undo for a write) and a token that changes whenever the list must be read again."""
    user = signed_in()
    svc = services()
    camp = svc.campaign(campaign)
    if not target or camp is None:
        return None, None
    if not roles.may_record(user):
        # Before the person or the record is looked up: "no such person" against "not
        # allowed" would tell a viewer who is in the campaign and who talked with whom.
        return dbc.Alert("Not done: your role records nothing.", color="danger",
                         className="py-2 mb-2"), None
    do, person, item, value = (str(target.get(k) or "") for k in ("do", "person", "item", "value"))
    try:
        if do == "undo":
            svc_api.delete_record(svc.store, user, item)
            return dbc.Alert("Undone.", color="secondary", className="py-2 mb-2"), _token()
        snapshot, _ = svc_api.snapshot_of_people(svc.store, camp, keys=[person])
        name, ref = _person(snapshot, person)
        if do == "close":
            logged = svc_api.close_item(svc.store, user, camp, ref, item, today, update=value)
            said = _SAID.get(value, "done")
        elif do == "attempt":
            logged = svc_api.log_update(svc.store, user, camp, ref, update="attempt",
                                        outcome=value, date=today)
            said = f"attempt logged: {value.replace('_', ' ')}"
        else:
            raise ServiceError("action: unknown")
    except ServiceError as exc:
        return dbc.Alert(f"Not done: {refusal(exc)}", color="danger", className="py-2 mb-2"), None
    if not logged.result.written:
        # The same was logged before (a second tap, another page): nothing was written, and
        # an Undo would delete the update logged earlier.
        return dbc.Alert(f"{name}: {said} (already logged).", color="success",
                         className="py-2 mb-2", id=f"{kind}-done"), _token()
    key = f"update:{camp}:{logged.update.id}"
    return dbc.Alert([html.Span(f"{name}: {said}. ", className="me-2"),
                      button(kind, "undo", "Undo", item=key, color="secondary")],
                     color="success", className="py-2 mb-2 d-flex align-items-center flex-wrap",
                     id=f"{kind}-done"), _token()


def _token() -> int:
    return time.monotonic_ns()


def downloads(list_name: str):
    """The CSV / XLSX / print links of a list (engineer W3's ``dashboard.exports``)."""
    try:
        from dashboard.exports import list_downloads
    except ImportError:  # before the exports branch is merged
        return html.Div(className="downloads")
    return list_downloads(list_name)
