"""Admin: users (add, set role, limit to campaigns, reset password, deactivate), API tokens,
forgetting a person and the audit trail; admins only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, html

from dashboard import ids
from dashboard.accounts import accounts
from dashboard.auth import signed_in
from dashboard.components import card, page_head, table
from dashboard.pages import register_page
from mapper.roles import ROLES
from mapper.services import NotAllowed, ServiceError, change_user, may_manage_users

#: The buttons of the user form: (change, label, colour).
BUTTONS = (("add", "Add user", "primary"), ("set_role", "Set role", "secondary"),
           ("set_campaigns", "Set campaigns", "secondary"),
           ("reset_password", "Reset password", "secondary"),
           ("disable", "Deactivate", "danger"), ("enable", "Reactivate", "secondary"))
AUDIT_ROWS = 200
#: What a new token may do (mapper.tokens.SCOPES): both, or only one.
TOKEN_SCOPES = [{"label": "read and write", "value": "read write"},
                {"label": "read only (lists, answers)", "value": "read"},
                {"label": "write only (post records)", "value": "write"}]


def _not_admin() -> dbc.Alert:
    return dbc.Alert("This page is for admins.", color="secondary", className="role-note")


def users_table() -> Any:
    rows = [[u.username, u.role, u.organizer or "", "yes" if u.active else "no — deactivated",
             "all" if u.role == "admin" or not u.campaigns else ", ".join(u.campaigns)]
            for u in accounts().users.all()]
    if not rows:
        return html.P("No users yet.", className="muted-box")
    # Scrolls sideways on a phone: reachable with the keyboard, named for screen readers.
    return html.Div(table(["Username", "Role", "Organizer", "Active", "Campaigns"], rows),
                    className="scroll-x",
                    tabIndex="0", role="region", **{"aria-label": "Users"})


def _when(at: float) -> str:
    return dt.datetime.fromtimestamp(at, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def tokens_table() -> Any:
    rows = [[t.id, t.username, t.label, " ".join(t.scopes), _when(t.created),
             _when(t.revoked) if t.revoked else ""] for t in accounts().tokens.list()]
    if not rows:
        return html.P("No API tokens yet.", className="muted-box")
    return html.Div(table(["Id", "User", "Label", "Scopes", "Created (UTC)", "Revoked (UTC)"],
                          rows),
                    className="scroll-x", tabIndex="0", role="region",
                    **{"aria-label": "API tokens"})


def audit_table(user: str | None = None) -> Any:
    entries = accounts().audit.entries(actor=(user or "").strip() or None, limit=AUDIT_ROWS)
    rows = [[str(e.seq), _when(e.at), e.actor, e.action.replace("_", " "), e.target or "",
             ", ".join(f"{k}={v}" for k, v in e.detail.items())] for e in reversed(entries)]
    if not rows:
        return html.P("Nothing recorded yet.", className="muted-box")
    return html.Div([table(["#", "When (UTC)", "Who", "What", "Which (opaque id)", "Detail"],
                           rows),
                     html.P(f"The newest {AUDIT_ROWS}; `mapper audit` reads them all.",
                            className="form-text")], className="scroll-x", tabIndex="0",
                    role="region", **{"aria-label": "Audit trail"})


def layout(forget: str | None = None, **_query) -> html.Div:
    head = page_head("Admin", "Users and the audit trail. People and records are named by "
                     "opaque ids only.")
    if not may_manage_users(signed_in()):
        return html.Div([head, _not_admin()])
    field = "mb-2"
    form = dbc.Row([
        dbc.Col([dbc.Label("Username", html_for=ids.ADMIN_USERNAME),
                 dbc.Input(id=ids.ADMIN_USERNAME, autocomplete="off")], md=3, className=field),
        dbc.Col([dbc.Label("Role", html_for=ids.ADMIN_ROLE),
                 dbc.Select(id=ids.ADMIN_ROLE, options=[{"label": r, "value": r} for r in ROLES],
                            value="organizer")], md=2, className=field),
        dbc.Col([dbc.Label("Organizer name (organizers)", html_for=ids.ADMIN_ORGANIZER),
                 dbc.Input(id=ids.ADMIN_ORGANIZER, autocomplete="off")], md=3, className=field),
        dbc.Col([dbc.Label("Password (12+ characters)", html_for=ids.ADMIN_PASSWORD),
                 dbc.Input(id=ids.ADMIN_PASSWORD, type="password", autocomplete="new-password")],
                md=4, className=field),
        dbc.Col([dbc.Label("Only these campaigns (comma-separated; empty: every campaign)",
                           html_for=ids.ADMIN_CAMPAIGNS),
                 dbc.Input(id=ids.ADMIN_CAMPAIGNS, autocomplete="off")], md=6, className=field),
    ])
    buttons = html.Div([dbc.Button(label, id={"type": ids.ADMIN_ACTION, "change": change},
                                   color=colour, size="sm", className="me-2 mb-2")
                        for change, label, colour in BUTTONS])
    return html.Div([
        head,
        card("Users", form, buttons, html.Div(id=ids.ADMIN_MESSAGE, role="status"),
             html.Div(users_table(), id=ids.ADMIN_USERS),
             help_text="Deactivating or a new password ends that user's sessions at once; "
                       "deactivating also revokes their API tokens. A user limited to "
                       "campaigns sees no other (admins see every one); a change is met at "
                       "her next click"),
        card("API tokens",
             html.P("A token acts with its user's role, for tools sending 1-on-1s in or reading "
                    "answers (/api/v1, described at /api/v1/openapi.json). It is shown once. "
                    "A tool that only reads, or only posts 1-on-1s, gets a token that can do "
                    "no more.", className="form-text"),
             dbc.Row([
                 dbc.Col([dbc.Label("User", html_for=ids.ADMIN_TOKEN_USER),
                          dbc.Input(id=ids.ADMIN_TOKEN_USER, autocomplete="off")], md=2),
                 dbc.Col([dbc.Label("What it is for", html_for=ids.ADMIN_TOKEN_LABEL),
                          dbc.Input(id=ids.ADMIN_TOKEN_LABEL, autocomplete="off")], md=2),
                 dbc.Col([dbc.Label("Scope", html_for=ids.ADMIN_TOKEN_SCOPE),
                          dbc.Select(id=ids.ADMIN_TOKEN_SCOPE, options=TOKEN_SCOPES,
                                     value="read write")], md=2),
                 dbc.Col(dbc.Button("Create token", id=ids.ADMIN_TOKEN_CREATE, size="sm",
                                    color="primary"), md=2, className="align-self-end"),
                 dbc.Col([dbc.Label("Token id", html_for=ids.ADMIN_TOKEN_ID),
                          dbc.Input(id=ids.ADMIN_TOKEN_ID, autocomplete="off")], md=2),
                 dbc.Col(dbc.Button("Revoke", id=ids.ADMIN_TOKEN_REVOKE, size="sm",
                                    color="danger"), md=2, className="align-self-end"),
             ], className="mb-2"),
             html.Div(id=ids.ADMIN_TOKEN_MESSAGE, role="status"),
             html.Div(tokens_table(), id=ids.ADMIN_TOKENS), className="mt-3"),
        card("Forget a person",
             html.P("Erases every record about them and every mention in other records "
                    "(referrals, ties, their assignment); the audit keeps that it happened, "
                    "without the name, and lists earlier list exports to chase.",
                    className="form-text"),
             dbc.Row([dbc.Col([dbc.Label("Person (name or key; the person page links here)",
                                         html_for=ids.ADMIN_FORGET_PERSON),
                               dbc.Input(id=ids.ADMIN_FORGET_PERSON, value=forget or "",
                                         autocomplete="off")], md=6),
                      dbc.Col(dbc.Checkbox(id=ids.ADMIN_FORGET_CONFIRM,
                                           label="They asked to be forgotten; erase for good"),
                              md=4, className="align-self-end"),
                      dbc.Col(dbc.Button("Forget", id=ids.ADMIN_FORGET, color="danger",
                                         size="sm"), md=2, className="align-self-end")]),
             html.Div(id=ids.ADMIN_FORGET_MESSAGE, role="status", className="mt-2"),
             className="mt-3"),
        card("Audit trail",
             dbc.Row(dbc.Col([dbc.Label("Only what this user did", html_for=ids.ADMIN_AUDIT_USER),
                              dbc.Input(id=ids.ADMIN_AUDIT_USER, debounce=True)], md=3),
                     className="mb-2"),
             html.Div(audit_table(), id=ids.ADMIN_AUDIT), className="mt-3"),
    ])


def campaign_names(text: str | None) -> list[str]:
    """The campaigns typed in the form's box (commas or spaces between them).

    >>> campaign_names(" st-lukes, mercy  ")
    ['st-lukes', 'mercy']
    """
    return (text or "").replace(",", " ").split()


def on_change(_clicks: list, username: str | None, role: str | None, organizer: str | None,
              password: str | None, campaigns: str | None = None):
    """Apply the clicked change; the message, the users table again, the password emptied,
    and the tokens table again (a deactivation revokes hers)."""
    user = signed_in()
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not any(_clicks or []):
        return dash.no_update, dash.no_update, dash.no_update, dash.no_update
    change = trigger.get("change")
    acc = accounts()
    try:
        row = change_user(acc.users, acc.sessions, acc.audit, user, user.username, str(change),
                          (username or "").strip(), tokens=acc.tokens, role=role,
                          organizer=organizer, password=password,
                          campaigns=campaign_names(campaigns))
    except (NotAllowed, ServiceError) as exc:
        return (dbc.Alert(str(exc), color="danger", className="py-2"), dash.no_update, "",
                dash.no_update)
    done = {"add": "added", "set_role": "now " + row.role,
            "set_campaigns": ("limited to " + ", ".join(row.campaigns) if row.campaigns
                              else "on every campaign"),
            "reset_password": "has a new password; their sessions ended",
            "disable": "deactivated; their sessions ended, their API tokens revoked",
            "enable": "reactivated"}[str(change)]
    return (dbc.Alert(f"{row.username}: {done}.", color="success", className="py-2"),
            users_table(), "", tokens_table())


def on_token(_create: int | None, _revoke: int | None, username: str | None,
             label: str | None, token_id: str | None, scope: str | None = None):
    """Create a token (shown once, here) or revoke one by its id."""
    from mapper.services import NotFound, create_token, revoke_token

    user = signed_in()
    if not may_manage_users(user):
        return _not_admin(), dash.no_update
    acc = accounts()
    try:
        if dash.ctx.triggered_id == ids.ADMIN_TOKEN_CREATE:
            made = create_token(acc.tokens, acc.users, acc.audit, user, user.username,
                                (username or "").strip(), label or "", (scope or "").split())
            message = dbc.Alert([f"Token {made.id} for {(username or '').strip()} — copy it "
                                 "now, it is not shown again: ", html.Code(made.token)],
                                color="success", className="py-2")
        else:
            revoke_token(acc.tokens, acc.audit, user, user.username, (token_id or "").strip())
            message = dbc.Alert(f"Token {(token_id or '').strip()} revoked.", color="success",
                                className="py-2")
    except (NotAllowed, NotFound, ServiceError) as exc:
        return dbc.Alert(str(exc), color="danger", className="py-2"), dash.no_update
    return message, tokens_table()


def on_forget(_clicks: int | None, person: str | None, confirmed: bool | None,
              campaign: str | None):
    """Forget the person named (admins only; the service checks)."""
    user = signed_in()
    if not _clicks:
        return dash.no_update
    if not confirmed:
        return dbc.Alert("Tick the box first: this cannot be undone.", color="warning",
                         className="py-2")
    from dashboard.services import services
    from mapper.services import NotFound, forget_person

    person = (person or "").strip()
    svc = services()
    camp = (person.split(":")[1] if person.startswith("person:") and person.count(":") >= 2
            else svc.campaign(campaign))
    if not person or camp is None:
        return dbc.Alert("Name a person.", color="danger", className="py-2")
    acc = accounts()
    try:
        done = forget_person(svc.store, user, camp, person, audit=acc.audit,
                             actor_name=user.username)
    except (NotAllowed, NotFound, ServiceError) as exc:
        return dbc.Alert(str(exc), color="danger", className="py-2")
    chase = (f" {len(done.exports)} earlier list export(s) may hold them: audit entries "
             f"{', '.join(map(str, done.exports[-20:]))}." if done.exports else "")
    return dbc.Alert(f"Forgotten: {done.deleted} record(s) deleted, {done.rewritten} other "
                     f"record(s) no longer mention them.{chase}", color="success",
                     className="py-2")


def on_audit_filter(user: str | None):
    if not may_manage_users(signed_in()):
        return _not_admin()
    return audit_table(user)


def register_callbacks(app: dash.Dash) -> None:
    app.callback(Output(ids.ADMIN_MESSAGE, "children"), Output(ids.ADMIN_USERS, "children"),
                 Output(ids.ADMIN_PASSWORD, "value"),
                 Output(ids.ADMIN_TOKENS, "children", allow_duplicate=True),
                 Input({"type": ids.ADMIN_ACTION, "change": ALL}, "n_clicks"),
                 State(ids.ADMIN_USERNAME, "value"), State(ids.ADMIN_ROLE, "value"),
                 State(ids.ADMIN_ORGANIZER, "value"), State(ids.ADMIN_PASSWORD, "value"),
                 State(ids.ADMIN_CAMPAIGNS, "value"), prevent_initial_call=True)(on_change)
    app.callback(Output(ids.ADMIN_TOKEN_MESSAGE, "children"), Output(ids.ADMIN_TOKENS, "children"),
                 Input(ids.ADMIN_TOKEN_CREATE, "n_clicks"), Input(ids.ADMIN_TOKEN_REVOKE, "n_clicks"),
                 State(ids.ADMIN_TOKEN_USER, "value"), State(ids.ADMIN_TOKEN_LABEL, "value"),
                 State(ids.ADMIN_TOKEN_ID, "value"), State(ids.ADMIN_TOKEN_SCOPE, "value"),
                 prevent_initial_call=True)(on_token)
    app.callback(Output(ids.ADMIN_FORGET_MESSAGE, "children"), Input(ids.ADMIN_FORGET, "n_clicks"),
                 State(ids.ADMIN_FORGET_PERSON, "value"), State(ids.ADMIN_FORGET_CONFIRM, "value"),
                 State(ids.CAMPAIGN, "data"), prevent_initial_call=True)(on_forget)
    app.callback(Output(ids.ADMIN_AUDIT, "children"), Input(ids.ADMIN_AUDIT_USER, "value"),
                 prevent_initial_call=True)(on_audit_filter)


register_page(__name__, path="/admin", name="Admin", title="Admin · Collective Mapper",
              order=9, admin=True, layout=layout)
