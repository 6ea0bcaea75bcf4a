"""The frame around every page: nav bar, campaign selector, demo banner, and their callbacks."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update
from flask import has_request_context
from flask_login import current_user

from dashboard import ids
from dashboard.auth import LOGOUT_PATH, csrf_token, signed_in
from dashboard.services import services
from dashboard.users import User
from mapper.roles import may_import_lists

__all__ = ["frame", "fill_campaigns", "choose_campaign", "register_callbacks", "DEMO_NOTICE"]

DEMO_NOTICE = ("Demo mode: you are signed in automatically as the demo admin. "
               "The campaign is invented; do not put real conversations here.")


def _user() -> User | None:
    if not has_request_context():
        return None
    user = current_user._get_current_object() if current_user else None
    return user if isinstance(user, User) else None


def _nav_links(user: User | None) -> list:
    links = []
    for page in dash.page_registry.values():
        if page.get("hidden"):
            continue
        if page.get("people") and not (user and user.sees_people):
            continue
        if page.get("records") and not (user and user.may_record):
            continue
        if page.get("admin") and not (user and user.role == "admin"):
            continue
        if page.get("uploads") and not (user and may_import_lists(user)):
            continue
        links.append(dbc.NavItem(dbc.NavLink(page["name"], href=page["relative_path"],
                                             active="exact")))
    return links


def _sign_out(user: User | None) -> list:
    if user is None or user.demo:
        return [html.Span(user.label() if user else "", className="navbar-text small")]
    return [
        html.Span(user.label(), className="navbar-text small me-2"),
        html.Form([
            dcc.Input(type="hidden", name="csrf_token", value=csrf_token()),
            html.Button("Sign out", type="submit", className="btn btn-sm btn-outline-light"),
        ], method="POST", action=LOGOUT_PATH, className="d-inline"),
    ]


def frame() -> html.Div:
    """The app layout, built per page load for the signed-in user."""
    user = _user()
    banner = dbc.Alert(DEMO_NOTICE, color="warning", className="demo-banner mb-0",
                       id="demo-banner") if user and user.demo else None
    navbar = html.Nav(
        html.Div([
            html.A("Collective Mapper", href="/", className="navbar-brand"),
            dbc.Nav(_nav_links(user), className="me-auto nav-main", navbar=True),
            html.Div(
                dbc.Select(id=ids.CAMPAIGN_SELECT, options=[], size="sm",
                           className="campaign-select"),
                id=ids.CAMPAIGN_WRAP, style={"display": "none"}, className="me-3",
                title="Campaign"),
            html.Div(_sign_out(user), className="d-flex align-items-center"),
        ], className="container-fluid"),
        className="navbar navbar-dark bg-primary navbar-expand")
    return html.Div([
        dcc.Store(id=ids.CAMPAIGN, storage_type="session"),
        dcc.Location(id=ids.NAVIGATE, refresh="callback-nav"),
        banner,
        navbar,
        html.Main(dash.page_container, className="container-fluid page"),
    ])


def fill_campaigns(_pathname: str | None, chosen: str | None):
    """The campaign selector's options; shown only when the store holds more than one campaign."""
    signed_in()
    svc = services()
    campaigns = svc.campaigns()
    current = svc.campaign(chosen)
    style = {} if len(campaigns) > 1 else {"display": "none"}
    return [{"label": c, "value": c} for c in campaigns], current, style


def choose_campaign(value: str | None, stored: str | None):
    """Remember the chosen campaign (the pages read it from the store)."""
    # Pages read "no choice" as the first campaign: only a real change re-runs them.
    if not value or value == services().campaign(stored):
        return no_update
    return value


def register_callbacks(app: dash.Dash) -> None:
    app.callback(
        Output(ids.CAMPAIGN_SELECT, "options"), Output(ids.CAMPAIGN_SELECT, "value"),
        Output(ids.CAMPAIGN_WRAP, "style"),
        Input("_pages_location", "pathname"), State(ids.CAMPAIGN, "data"),
    )(fill_campaigns)
    app.callback(
        Output(ids.CAMPAIGN, "data"),
        Input(ids.CAMPAIGN_SELECT, "value"), State(ids.CAMPAIGN, "data"),
    )(choose_campaign)
