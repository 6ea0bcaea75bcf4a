"""Sign-in sessions live in the store: sign-out, a new password and expiry end them everywhere.

Each test runs on the embedded store and on a real Neo4j (the ``store`` fixture).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.app import create_app
from dashboard.users import User, hash_password
from mapper.sessions import (MemorySessions, SessionLimits, SessionStore, fingerprint,
                             sessions_for)
from mapper.stores.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery staple"
OLD_HASH = hash_password(PASSWORD)
NEW_PASSWORD = "a different long passphrase"
NEW_HASH = hash_password(NEW_PASSWORD)
USERS = {"maya": User("maya", "organizer", "Maya Ortiz", OLD_HASH)}
CHANGED = {"maya": User("maya", "organizer", "Maya Ortiz", NEW_HASH)}
COOKIE = "mapper_session"
HOUR, DAY = 3600.0, 86400.0
LIMITS = SessionLimits(idle=8 * HOUR, absolute=7 * DAY)


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def shared_secret(monkeypatch):
    # Several server processes on one store share the cookie-signing key (README).
    monkeypatch.setenv("MAPPER_SECRET_KEY", "test-secret-" + "k" * 40)
    monkeypatch.delenv("MAPPER_SESSION_IDLE_HOURS", raising=False)
    monkeypatch.delenv("MAPPER_SESSION_MAX_DAYS", raising=False)


def _again(store, request):
    """The same store opened a second time, as another server process would open it."""
    if isinstance(store, SQLiteStore):
        return SQLiteStore(store.path)
    from mapper.stores.neo4j import Neo4jStore

    return Neo4jStore(request.getfixturevalue("neo4j_uri"), os.environ.get("NEO4J_USER"),
                      os.environ.get("NEO4J_PASSWORD"), os.environ.get("NEO4J_DATABASE"))


@pytest.fixture
def reopened(store, request):
    opened = []

    def make():
        opened.append(_again(store, request))
        return opened[-1]

    yield make
    for s in opened:
        s.close()


def _app(store, users=USERS, clock=None):
    def sessions(s):
        return sessions_for(s, limits=LIMITS, clock=clock) if clock else sessions_for(s, limits=LIMITS)

    return create_app(lambda: store, users=users, sessions=sessions)


def _token(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _sign_in(client, password: str = PASSWORD):
    r = client.post("/login", data={"username": "maya", "password": password,
                                    "csrf_token": _token(client), "next": "/"})
    assert r.status_code == 302
    return client.get_cookie(COOKIE).value


def _sign_out(client) -> None:
    page = client.get("/login").get_data(as_text=True)  # any page of ours carries the token
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def _reads_layout(app, cookie: str) -> int:
    """What a browser holding ``cookie`` (a copy, in a fresh client) gets for the layout."""
    client = app.server.test_client()
    client.set_cookie(COOKIE, cookie)
    return client.get("/_dash-layout").status_code


# --- the contract, on each store --------------------------------------------------------------

@pytest.fixture
def sessions(store):
    clock = Clock()
    s = sessions_for(store, limits=LIMITS, clock=clock)
    s.clock = clock
    yield s
    s.close()


def test_a_started_session_resumes_and_only_its_hash_is_kept(sessions):
    token = sessions.start("maya", OLD_HASH)
    assert len(token) >= 43  # 256 random bits, URL-safe
    assert sessions.resume(token, {"maya": OLD_HASH}.get) == "maya"
    assert sessions._get(token) is None
    row = sessions._get(hashlib.sha256(token.encode()).hexdigest())
    assert row.username == "maya" and row.fingerprint == fingerprint(OLD_HASH)
    assert token not in repr(row) and OLD_HASH not in repr(row)


def test_an_ended_session_and_unknown_ids_resume_to_nobody(sessions):
    token = sessions.start("maya", OLD_HASH)
    other = sessions.start("maya", OLD_HASH)
    sessions.end(token)
    assert sessions.resume(token, {"maya": OLD_HASH}.get) is None
    assert sessions.resume(other, {"maya": OLD_HASH}.get) == "maya"  # another browser stays
    for junk in (None, "", "x" * 5000, 42, "not-a-session"):
        assert sessions.resume(junk, {"maya": OLD_HASH}.get) is None
    sessions.end_all("maya")
    assert sessions.resume(other, {"maya": OLD_HASH}.get) is None


def test_a_session_ends_when_the_password_hash_changes_or_the_user_is_gone(sessions):
    token = sessions.start("maya", OLD_HASH)
    assert sessions.resume(token, {"maya": NEW_HASH}.get) is None
    assert sessions.resume(token, {"maya": OLD_HASH}.get) is None  # deleted, not just refused
    token = sessions.start("maya", OLD_HASH)
    assert sessions.resume(token, {}.get) is None


def test_a_session_ends_after_the_idle_limit_and_requests_keep_it_alive(sessions):
    clock = sessions.clock
    token = sessions.start("maya", OLD_HASH)
    for _ in range(3):  # 3 x 7 h: each request restarts the idle time
        clock.now += 7 * HOUR
        assert sessions.resume(token, {"maya": OLD_HASH}.get) == "maya"
    clock.now += 8 * HOUR
    assert sessions.resume(token, {"maya": OLD_HASH}.get) is None


def test_a_session_ends_after_the_absolute_limit_however_busy(sessions):
    clock = sessions.clock
    token = sessions.start("maya", OLD_HASH)
    started = clock.now
    while clock.now + 6 * HOUR < started + 7 * DAY:
        clock.now += 6 * HOUR
        assert sessions.resume(token, {"maya": OLD_HASH}.get) == "maya"
    clock.now = started + 7 * DAY
    assert sessions.resume(token, {"maya": OLD_HASH}.get) is None


def test_a_new_sign_in_sweeps_expired_sessions_away(sessions):
    stale = sessions.start("maya", OLD_HASH)
    stale_hash = hashlib.sha256(stale.encode()).hexdigest()
    sessions.clock.now += 9 * HOUR
    sessions.start("maya", OLD_HASH)
    assert sessions._get(stale_hash) is None


def test_the_limits_come_from_the_environment_and_bad_values_are_named():
    limits = SessionLimits.from_env({"MAPPER_SESSION_IDLE_HOURS": "0.5",
                                     "MAPPER_SESSION_MAX_DAYS": "1"})
    assert (limits.idle, limits.absolute) == (1800.0, 86400.0)
    assert SessionLimits.from_env({}) == SessionLimits(8 * HOUR, 7 * DAY)
    for bad in ("0", "-1", "eight", "nan", "inf"):
        with pytest.raises(ValueError, match="MAPPER_SESSION_IDLE_HOURS"):
            SessionLimits.from_env({"MAPPER_SESSION_IDLE_HOURS": bad})


def test_an_in_memory_store_keeps_sessions_in_the_process():
    store = SQLiteStore(":memory:")
    try:
        assert isinstance(sessions_for(store), MemorySessions)
    finally:
        store.close()


def test_every_store_kind_has_its_session_store(store):
    s = sessions_for(store)
    assert isinstance(s, SessionStore) and not isinstance(s, MemorySessions)
    s.close()


# --- through the dashboard ---------------------------------------------------------------------

def test_a_copied_cookie_is_refused_after_sign_out(store):
    app = _app(store)
    client = app.server.test_client()
    cookie = _sign_in(client)
    assert _reads_layout(app, cookie) == 200
    _sign_out(client)
    assert _reads_layout(app, cookie) == 401
    assert client.get("/_dash-layout").status_code == 401


def test_a_copied_cookie_is_refused_once_the_password_hash_changed(store, reopened):
    app = _app(store)
    cookie = _sign_in(app.server.test_client())
    # Another server process, restarted with maya's new password hash in its users file.
    changed = _app(reopened(), users=CHANGED)
    assert _reads_layout(changed, cookie) == 401
    # ...and the session is gone for the old process too.
    assert _reads_layout(app, cookie) == 401
    assert _reads_layout(changed, _sign_in(changed.server.test_client(), NEW_PASSWORD)) == 200


def test_a_session_idle_too_long_or_too_old_is_refused(store):
    clock = Clock()
    app = _app(store, clock=clock)
    idle = _sign_in(app.server.test_client())
    busy = _sign_in(app.server.test_client())
    clock.now += 7 * HOUR
    assert _reads_layout(app, busy) == 200
    clock.now += 2 * HOUR  # 9 h since sign-in, 2 h since busy's last request
    assert _reads_layout(app, idle) == 401
    assert _reads_layout(app, busy) == 200
    while clock.now < 1_800_000_000.0 + 7 * DAY - 7 * HOUR:
        clock.now += 7 * HOUR
        assert _reads_layout(app, busy) == 200
    clock.now = 1_800_000_000.0 + 7 * DAY
    assert _reads_layout(app, busy) == 401


def test_a_session_from_one_app_instance_is_honoured_and_ended_by_another(store, reopened):
    first = _app(store)
    second = _app(reopened())
    client = first.server.test_client()
    cookie = _sign_in(client)
    assert _reads_layout(second, cookie) == 200
    second_client = second.server.test_client()
    second_client.set_cookie(COOKIE, cookie)
    _sign_out(second_client)
    assert _reads_layout(first, cookie) == 401
    assert client.get("/_dash-layout").status_code == 401


_OTHER_PROCESS = """
import json, os, sys
from dashboard.app import create_app
from dashboard.users import User
kind, where, cookie, pw_hash = sys.argv[1:5]
if kind == "sqlite":
    from mapper.stores.sqlite import SQLiteStore
    store = SQLiteStore(where)
else:
    from mapper.stores.neo4j import Neo4jStore
    store = Neo4jStore(where, os.environ.get("NEO4J_USER"), os.environ.get("NEO4J_PASSWORD"),
                       os.environ.get("NEO4J_DATABASE"))
app = create_app(lambda: store, users={"maya": User("maya", "organizer", "Maya Ortiz", pw_hash)})
client = app.server.test_client()
client.set_cookie("mapper_session", cookie)
print(json.dumps(client.get("/_dash-layout").status_code))
store.close()
"""


def _in_another_process(store, request, cookie: str) -> int:
    if isinstance(store, SQLiteStore):
        kind, where = "sqlite", store.path
    else:
        kind, where = "neo4j", request.getfixturevalue("neo4j_uri")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _OTHER_PROCESS, kind, where, cookie, OLD_HASH],
                          capture_output=True, text=True, env=env, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_session_is_shared_with_another_server_process_until_sign_out(store, request):
    app = _app(store)
    client = app.server.test_client()
    cookie = _sign_in(client)
    assert _in_another_process(store, request, cookie) == 200
    _sign_out(client)
    assert _in_another_process(store, request, cookie) == 401


def use_every_session_query(store) -> None:
    """Run every query of the Neo4j session store once (tests/test_queries.py checks them)."""
    clock = Clock()
    sessions = sessions_for(store, limits=LIMITS, clock=clock)
    token = sessions.start("maya", OLD_HASH)
    clock.now += 2 * sessions.touch_every
    assert sessions.resume(token, {"maya": OLD_HASH}.get) == "maya"
    sessions.end(token)
    sessions.end_all("maya")
    sessions.close()


def test_the_dashboard_will_not_start_with_a_bad_session_limit(tmp_path, monkeypatch, capsys):
    import dash

    from dashboard.app import serve

    runs = []
    monkeypatch.setattr(dash.Dash, "run", lambda self, **kw: runs.append(kw))
    users = tmp_path / "users.yaml"
    users.write_text(f"users:\n  - {{username: maya, password_hash: '{OLD_HASH}', role: viewer}}\n")
    monkeypatch.setenv("MAPPER_USERS", str(users))
    monkeypatch.setenv("MAPPER_SESSION_MAX_DAYS", "forever")
    with pytest.raises(SystemExit) as stop:
        serve(db=str(tmp_path / "x.db"))
    assert stop.value.code == 2 and "MAPPER_SESSION_MAX_DAYS" in capsys.readouterr().err
    assert runs == []


def test_a_phone_that_changes_address_stays_signed_in(tmp_path):
    """Between the break room's wifi and the parking lot's mobile data the address changes."""
    store = SQLiteStore(tmp_path / "s.db")
    client = _app(store).server.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.5"
    _sign_in(client)
    assert client.get("/_dash-layout").status_code == 200
    client.environ_base["REMOTE_ADDR"] = "172.20.0.9"
    assert client.get("/_dash-layout").status_code == 200
