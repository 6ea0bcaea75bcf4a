"""Sign-in on the Dash Flask server: every route but the sign-in page needs a signed-in user.

The session cookie carries a random session id; whether it is still signed in is decided by
the server-side session store (:mod:`mapper.sessions`), so sign-out, a changed password and
expiry end it for every server process on the store.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse, urlsplit, urlunsplit

from flask import (Flask, Response, abort, g, jsonify, redirect, render_template_string, request,
                   session)
from flask_login import LoginManager, current_user, login_user, logout_user

from dashboard.users import User
from mapper.audit import NOBODY
from mapper.users import dummy_hash, verify_password

__all__ = ["install_auth", "signed_in", "csrf_token", "LOGIN_PATH", "LOGOUT_PATH",
           "LoginThrottle", "SharedThrottle"]

LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
_OPEN_ENDPOINTS = {"mapper_login", "mapper_logout", "mapper_healthz"}
# The Flask session key of the server-side session id.
SESSION_ID = "mapper_sid"
SESSIONS_EXTENSION = "mapper_sessions"
#: How long a browser that reached the server over HTTPS keeps to HTTPS (a year).
HSTS_SECONDS = 365 * 86400

_LOGIN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in · Collective Mapper</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body{margin:0;font-family:system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif;
      background:#f4f6f8;color:#2c3e50;display:flex;min-height:100vh;align-items:center;justify-content:center}
 form{background:#fff;padding:2rem 2.25rem;border-radius:10px;box-shadow:0 2px 14px rgba(0,0,0,.08);width:20rem}
 h1{font-size:1.3rem;margin:0 0 .25rem} p{margin:0 0 1.25rem;color:#5a6774;font-size:.9rem}
 label{display:block;font-size:.85rem;margin:.75rem 0 .25rem;font-weight:600}
 input{width:100%;box-sizing:border-box;padding:.5rem .6rem;border:1px solid #ced4da;border-radius:6px;font-size:1rem}
 button{margin-top:1.25rem;width:100%;padding:.6rem;border:0;border-radius:6px;background:#2c3e50;color:#fff;font-size:1rem;cursor:pointer}
 .err{background:#fdecea;color:#a12622;padding:.5rem .75rem;border-radius:6px;font-size:.9rem}
</style></head>
<body><form method="post" action="{{ action }}">
 <h1>Collective Mapper</h1><p>Sign in to see your campaign.</p>
 {% if error %}<div class="err" role="alert">{{ error }}</div>{% endif %}
 <input type="hidden" name="csrf_token" value="{{ token }}">
 <input type="hidden" name="next" value="{{ next }}">
 <label for="username">Username</label>
 <input id="username" name="username" autocomplete="username" value="{{ username }}" required autofocus>
 <label for="password">Password</label>
 <input id="password" name="password" type="password" autocomplete="current-password" required>
 <button type="submit">Sign in</button>
</form>
<script>
/* However the last session ended (signed out, idle, deactivated, the tab closed), the next
   person at this device finds none of its 1-on-1 drafts (dashboard/assets/record_form.js). */
(function () {
  try {
    var s = window.localStorage, gone = [];
    for (var i = 0; i < s.length; i++) {
      var k = s.key(i);
      if (k && k.indexOf("mapper-draft:") === 0) { gone.push(k); }
    }
    gone.forEach(function (k) { s.removeItem(k); });
  } catch (e) { /* nothing kept */ }
})();
</script></body></html>"""


def _inline_script_hashes(page: str) -> list[str]:
    """The CSP hashes of a page's inline scripts (its ``<script>`` blocks, as written)."""
    bodies = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()}'"
            for b in bodies]


def content_security_policy(script_hashes: list[str]) -> str:
    """What the browser may run and load on every answer: this server's own files, and of the
    inline scripts only those whose hashes are given (Dash's, the sign-in page's). A script
    someone slipped into a name or a story (a bug away from the page) runs nowhere, and could
    send nothing elsewhere. Styles may be inline: Plotly, AG Grid and Cytoscape write theirs."""
    scripts = " ".join(["'self'", *sorted(set(script_hashes + _inline_script_hashes(_LOGIN_PAGE)))])
    return "; ".join([
        "default-src 'self'", f"script-src {scripts}", "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:", "font-src 'self' data:", "connect-src 'self'",
        "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"])


def install_content_security_policy(server: Flask,
                                    script_hashes: Callable[[], list[str]]) -> None:
    """Say the policy on every answer of ``server`` (its pages, Dash's, the API's), with the
    inline scripts ``script_hashes()`` names as of that answer: Dash adds one (its pages'
    router) at the first request that reaches it."""
    made: dict[tuple[str, ...], str] = {}

    @server.after_request
    def _csp(resp: Response) -> Response:
        hashes = tuple(script_hashes())
        policy = made.get(hashes)
        if policy is None:
            policy = made[hashes] = content_security_policy(list(hashes))
        resp.headers.setdefault("Content-Security-Policy", policy)
        return resp


class LoginThrottle:
    """Failed sign-ins per (username, address): after ``limit`` of them within ``window``
    seconds, that pair may not sign in for ``lockout`` seconds (in memory, per process)."""

    def __init__(self, limit: int = 5, window: float = 60.0, lockout: float = 60.0,
                 clock=time.monotonic, max_entries: int = 10_000) -> None:
        self.limit, self.window, self.lockout, self.clock = limit, window, lockout, clock
        self.max_entries = max_entries
        self._fails: dict[tuple[str, str], list[float]] = {}
        self._locked: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def locked(self, username: str, address: str) -> bool:
        key, now = (username.casefold(), address), self.clock()
        with self._lock:
            until = self._locked.get(key)
            if until is None:
                return False
            if now >= until:
                del self._locked[key]
                self._fails.pop(key, None)
                return False
            return True

    def failed(self, username: str, address: str) -> None:
        key, now = (username.casefold(), address), self.clock()
        with self._lock:
            if len(self._fails) >= self.max_entries:  # bounded: drop the stale ones
                for k in [k for k, t in self._fails.items() if not t or now - t[-1] > self.window]:
                    del self._fails[k]
            recent = [t for t in self._fails.get(key, []) if now - t < self.window] + [now]
            self._fails[key] = recent
            if len(recent) >= self.limit:
                self._locked[key] = now + self.lockout

    def succeeded(self, username: str, address: str) -> None:
        key = (username.casefold(), address)
        with self._lock:
            self._fails.pop(key, None)
            self._locked.pop(key, None)


def csrf_token() -> str:
    """The session's anti-forgery token (made on first use)."""
    if "csrf_token" not in session:
        session["csrf_token"] = secrets.token_urlsafe(32)
    return session["csrf_token"]


def _csrf_ok() -> bool:
    sent = request.form.get("csrf_token", "")
    return bool(sent) and hmac.compare_digest(sent, session.get("csrf_token", ""))


_MAX_NEXT = 2048


def _safe_next(target: str | None) -> str:
    """``target`` when it is a path on this server, else ``/``: never an open redirect.

    Browsers drop tabs and newlines from a URL and read ``\\`` as ``/``, so ``/\t/evil`` or
    ``/\\evil`` would become ``//evil`` (another host): any control character or backslash
    refuses the whole target rather than being cleaned away.
    """
    if not target or len(target) > _MAX_NEXT or "\\" in target or target.startswith("//"):
        return "/"
    if any(not ch.isprintable() for ch in target):  # control, format and separator characters
        return "/"
    try:
        parts = urlsplit(target)
    except ValueError:
        return "/"
    path = parts.path
    if parts.scheme or parts.netloc or not path.startswith("/") or path.startswith("//"):
        return "/"
    if any(segment in (".", "..") for segment in path.split("/")):
        return "/"  # "/./" and "/../" resolve to another path than the one checked here
    return urlunsplit(("", "", path, parts.query, ""))


def _same_origin() -> bool:
    """A state-changing request must come from a page of this server (when the browser says)."""
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return origin is None
    return urlparse(origin).netloc == request.host


def signed_in() -> User:
    """The signed-in user; a request without one never reaches a callback (see the guard)."""
    user = current_user._get_current_object() if current_user else None
    if not isinstance(user, User):
        abort(401)
    return user


class SharedThrottle:
    """The sign-in lockout of :class:`LoginThrottle`, kept in the store (``login_failures``)
    so that every server process counts the same failures."""

    def __init__(self, users: Callable[[], Any], clock: Callable[[], float] = time.time) -> None:
        self._users, self.clock = users, clock

    def _store(self) -> Any:
        users = self._users()
        users.clock = self.clock
        return users

    def locked(self, username: str, address: str) -> bool:
        return self._store().locked(username, address)

    def failed(self, username: str, address: str) -> None:
        self._store().failed(username, address)

    def succeeded(self, username: str, address: str) -> None:
        self._store().succeeded(username, address)


#: Routes that answer without a signed-in browser, besides the sign-in page and the health
#: check: the JSON API's own routes (each request signs in by its bearer token instead) — not
#: any path under its prefix, which Dash's catch-all would answer with the app.
_OPEN_BLUEPRINTS = {"api_v1"}  # dashboard.api.BLUEPRINT


def install_auth(server: Flask, accounts: Any, demo_user: User | None = None) -> None:
    """Put Flask-Login and the sign-in routes on ``server``; guard every other route.

    Users, sessions, the lockout and the audit trail are ``accounts``' (see
    :mod:`dashboard.accounts`): in the store, shared by every process on it.
    """
    server.secret_key = os.environ.get("MAPPER_SECRET_KEY") or secrets.token_hex(32)
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                         SESSION_COOKIE_NAME="mapper_session",
                         # Behind HTTPS: the session cookie is never sent over plain HTTP.
                         SESSION_COOKIE_SECURE=os.environ.get("MAPPER_SECURE_COOKIES") == "1",
                         REMEMBER_COOKIE_SECURE=os.environ.get("MAPPER_SECURE_COOKIES") == "1")
    throttle = server.extensions.setdefault("mapper_login_throttle",
                                            SharedThrottle(lambda: accounts.users))
    store = lambda: accounts.sessions  # noqa: E731
    server.extensions[SESSIONS_EXTENSION] = store
    manager = LoginManager()
    # "basic", not "strong": an organizer's phone changes address between the break room's
    # wifi and the parking lot's mobile network, and must not be signed out for it. A copied
    # cookie is what server-side revocation and the idle limit are for.
    manager.session_protection = "basic"
    manager.init_app(server)

    @manager.user_loader
    def _load(username: str) -> User | None:
        # The demo user is never loaded from a cookie: the guard signs each visitor in anew.
        user = accounts.user(username)
        if user is None or store().resume(session.get(SESSION_ID),
                                          accounts.users.password_hash_of) != username:
            return None
        return user

    @manager.unauthorized_handler
    def _unauthorized() -> Response:
        return _refuse()

    def login() -> Response | str:
        error, username, status = None, "", 401
        if request.method == "POST":
            username = request.form.get("username", "").strip()
            address = request.remote_addr or "-"
            if not _csrf_ok():
                error = "The form expired; please try again."
            elif throttle.locked(username, address):
                # Said whether or not the password is right, and without checking it.
                error, status = "Too many failed sign-ins; wait a minute and try again.", 429
            else:
                user = accounts.user(username)
                ok = verify_password(user.password_hash if user else dummy_hash(),
                                     request.form.get("password", ""))
                if user is not None and ok:
                    throttle.succeeded(username, address)
                    store().end(session.get(SESSION_ID))
                    session.clear()  # a fresh session: no fixation across sign-in
                    session[SESSION_ID] = store().start(user.username, user.password_hash)
                    login_user(user)
                    csrf_token()
                    accounts.record("sign_in", actor=user.username)
                    return redirect(_safe_next(request.form.get("next")))
                throttle.failed(username, address)
                # What was typed is kept only when it names a user: it may be a password.
                known = accounts.users.get(username) is not None
                accounts.record("sign_in_failed", actor=username if known else NOBODY)
                error = "Wrong username or password."
        page = render_template_string(
            _LOGIN_PAGE, action=LOGIN_PATH, error=error, token=csrf_token(), username=username,
            next=_safe_next(request.args.get("next") or request.form.get("next")))
        return Response(page, status=status if error else 200, mimetype="text/html")

    def logout() -> Response:
        if not _csrf_ok():
            abort(400)
        store().end(session.get(SESSION_ID))  # the copy of this cookie anywhere is dead too
        if current_user.is_authenticated and not getattr(current_user, "demo", False):
            accounts.record("sign_out", actor=current_user.username)
        logout_user()
        session.clear()
        return redirect(LOGIN_PATH)

    server.add_url_rule(LOGIN_PATH, "mapper_login", login, methods=["GET", "POST"])
    server.add_url_rule(LOGOUT_PATH, "mapper_logout", logout, methods=["POST"])

    @server.before_request
    def _guard() -> Response | None:
        if request.endpoint in _OPEN_ENDPOINTS or request.blueprint in _OPEN_BLUEPRINTS:
            return None
        if not current_user.is_authenticated:
            if demo_user is None:
                return _refuse()
            login_user(demo_user)
            csrf_token()
        g.mapper_actor = current_user.username
        accounts.audit  # opened with the store: from now on every write is audited
        if request.method not in ("GET", "HEAD", "OPTIONS") and not _same_origin():
            abort(403)
        return None

    @server.after_request
    def _headers(resp: Response) -> Response:
        # Personal pages must not linger in shared caches or be framed by another site.
        resp.headers.setdefault("Cache-Control", "no-store")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:
            # Reached over HTTPS (directly, or through the proxy --behind-proxy trusts): the
            # browser never tries plain HTTP again, where someone on the network could serve
            # a sign-in page of their own. No proxy has to remember to say it.
            resp.headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_SECONDS}")
        return resp


def _refuse() -> Response:
    # Dash's own requests (layout, callbacks, bundles) get a plain 401; pages go to sign-in.
    if request.path.startswith("/_") or request.method != "GET":
        resp = jsonify({"error": "sign in first"})
        resp.status_code = 401
        return resp
    return redirect(f"{LOGIN_PATH}?next={_safe_quote(request.full_path)}")


def _safe_quote(path: str) -> str:
    from urllib.parse import quote

    return quote(_safe_next(path.rstrip("?")), safe="/")
