"""The Dash app: ``create_app`` builds it around a store; ``serve`` runs it (``mapper dashboard``)."""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import dash
from flask import Flask

from dashboard import layout as frame_module
from dashboard.accounts import ACCOUNTS_EXTENSION, Accounts
from dashboard.audit_hooks import install_audit_hooks, install_health
from dashboard.api import install_api
from dashboard.auth import install_auth, install_content_security_policy
from dashboard.exports import install_exports
from dashboard.pages import register_all
from dashboard.services import EXTENSION, Services
from dashboard.users import User, load_users
from mapper.analytics.apart import Apart, configured
from mapper.config import is_loopback
from mapper.sessions import SessionLimits, SessionStore, sessions_for
from mapper.stores.base import Store
from mapper.users import from_mapping

__all__ = ["create_app", "serve", "PAGE_MODULES", "DEMO_USER"]

HERE = Path(__file__).resolve().parent
# In nav-bar order. Each module registers its page and owns its callbacks.
PAGE_MODULES = ("overview", "clusters", "power", "ready", "talk_next", "follow_ups", "my_list",
                "person", "record", "upload", "admin")
DEMO_USER = User("demo", "admin", None, demo=True)


def create_app(store_factory: Callable[[], Store], *, users: Mapping[str, User],
               demo_user: User | None = None,
               sessions: Callable[[Store], SessionStore] = sessions_for,
               apart: Apart | None = None) -> dash.Dash:
    """A Dash app reading from the store ``store_factory()`` opens (once, on first use).

    The users stored beside the store (:mod:`mapper.users`) may sign in on ``/login``;
    ``users`` are written into it first (a users file, a test's users). With ``demo_user``
    every visitor is signed in as that user (the demo), and every page says so. Sign-in
    sessions are kept beside the store by ``sessions(store)`` (see :mod:`mapper.sessions`).
    With ``apart`` (:func:`mapper.analytics.apart.configured`), whole-graph answers are
    computed in a child process.
    """
    server = Flask("dashboard")
    services = Services(store_factory, apart)
    server.extensions[EXTENSION] = services
    accounts = Accounts(lambda: services.store, sessions, seed=from_mapping(users))
    server.extensions[ACCOUNTS_EXTENSION] = accounts
    install_auth(server, accounts, demo_user)
    install_health(server, services)
    install_audit_hooks(server, accounts)
    app = dash.Dash(
        "dashboard", server=server, use_pages=True, pages_folder="",
        assets_folder=str(HERE / "assets"), serve_locally=True,
        suppress_callback_exceptions=True, title="Collective Mapper", update_title=None,
    )
    # Screen readers pick their voice from the page's language (axe-core: html-has-lang).
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)
    # Pages register themselves on first import (dash's page registry is process-wide).
    modules = [importlib.import_module(f"dashboard.pages.{name}") for name in PAGE_MODULES]
    register_all()
    app.layout = frame_module.frame
    frame_module.register_callbacks(app)
    for module in modules:
        module.register_callbacks(app)
    install_exports(app)
    install_api(server, accounts)
    # Only the inline scripts Dash writes (its renderer, the clientside callbacks) run.
    install_content_security_policy(server, app.csp_hashes)
    return app


def _users_from_env() -> dict[str, User]:
    path = os.environ.get("MAPPER_USERS")
    if not path:
        return {}
    return load_users(path)


def quiet_request_log() -> None:
    """Silence werkzeug's per-request log: its lines carry URLs, and a person page's URL names
    the person (``GET /person?key=person:<campaign>:<name>``), which must not end up in logs.
    Warnings and errors are still logged."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def serve(db: str | None = None, host: str = "127.0.0.1", port: int = 8050,
          demo: bool = False) -> None:
    """Run the dashboard on the store ``db`` (or the configured one) until interrupted."""
    from mapper.bootstrap import describe, open_store

    if demo and not is_loopback(host):
        # The demo signs every visitor in as an admin: on a reachable address that would hand
        # every confidential record to anyone on the network.
        raise SystemExit(f"error: demo mode signs every visitor in as an admin, so it only "
                         f"listens on this machine (127.0.0.1, ::1 or localhost), not on "
                         f"{host}. Drop --demo and set MAPPER_USERS to serve others.")
    try:
        users_file = _users_from_env()
    except (OSError, ValueError) as exc:
        print(f"error: cannot read the users file (MAPPER_USERS): {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    try:
        SessionLimits.from_env()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    app = create_app(lambda: open_store(db), users={}, demo_user=DEMO_USER if demo else None,
                     apart=configured(db))
    if not demo:
        accounts = app.server.extensions[ACCOUNTS_EXTENSION]
        if users_file:
            # A one-time import: users already in the store (changed in the app) are kept.
            added, _ = accounts.users.import_users(from_mapping(users_file))
            if added:
                print(f"imported {len(added)} user(s) from MAPPER_USERS into the store")
        if not accounts.users.all():
            print("error: no users can sign in. Add one with `mapper users add USERNAME --role "
                  "admin`, or import a users file (`mapper users import FILE`, or set "
                  "MAPPER_USERS to it).",
                  file=sys.stderr)
            raise SystemExit(2)
    store = app.server.extensions[EXTENSION].store
    if demo:
        from dashboard.layout import DEMO_NOTICE

        print(f"*** {DEMO_NOTICE} ***")
    print(f"Collective Mapper dashboard on http://{host}:{port} ({describe(store)})")
    if not is_loopback(host):
        print(f"warning: listening on {host}: anyone who can reach it gets the sign-in page; "
              "serve it behind HTTPS (and set MAPPER_SECURE_COOKIES=1)", file=sys.stderr)
    quiet_request_log()
    app.run(host=host, port=port, debug=False)
