"""The server refuses what a reviewer found it let through: a silent campaign, huge bodies,
plain cookies behind a proxy, typed usernames kept, spread-out guessing, unguarded paths.

Tests on the store run on the embedded store and on a real Neo4j (the ``store`` fixture).
"""

from __future__ import annotations

import re

import pytest

from dashboard.app import create_app
from dashboard.users import User, hash_password
from tests.records import CAMPAIGN, conversation

PASSWORD = "correct horse battery staple"
HASH = hash_password(PASSWORD)
MAYA = User("maya", "organizer", "Maya Ortiz", HASH)
USERS = {u.username: u for u in (User("root", "admin", None, HASH), MAYA)}


@pytest.fixture(autouse=True)
def shared_secret(monkeypatch):
    monkeypatch.setenv("MAPPER_SECRET_KEY", "test-secret-" + "k" * 40)


def _accounts(app):
    return app.server.extensions["mapper_accounts"]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _new(name: str = "Hal Ames", **fields) -> dict:
    body = conversation(name, "2026-11-25", **fields).model_dump(mode="json", exclude_none=True)
    body.pop("campaign")
    return body


# --- 1. no silent "default" campaign ----------------------------------------------------------

def test_a_posted_record_naming_no_campaign_goes_to_the_stores_only_campaign(store):
    store.write([conversation("Ana Lopez")])
    app = create_app(lambda: store, users=USERS)
    token = _accounts(app).tokens.create("maya").token
    r = app.server.test_client().post("/api/v1/records", json=_new(), headers=_bearer(token))
    assert r.status_code == 201, r.json
    assert store.campaigns() == [CAMPAIGN]
    assert any(p.name == "Hal Ames" for p in store.snapshot(CAMPAIGN).people.values())


@pytest.mark.parametrize("held", [[], ["one", "two"]], ids=["no campaign", "several"])
def test_a_record_naming_no_campaign_is_refused_saying_how_to_name_one(store, held):
    store.write([conversation("Ana Lopez", campaign=c) for c in held])
    app = create_app(lambda: store, users=USERS)
    token = _accounts(app).tokens.create("maya").token
    client = app.server.test_client()
    r = client.post("/api/v1/records", json=_new(), headers=_bearer(token))
    assert r.status_code == 422
    [error] = r.json["errors"]
    assert error["field"] == "campaign" and "?campaign=NAME" in error["message"]
    assert "Hal Ames" not in r.get_data(as_text=True)
    assert "default" not in store.campaigns() and sorted(store.campaigns()) == held
    # Named in the query, it is taken.
    r = client.post("/api/v1/records?campaign=two", json=_new(), headers=_bearer(token))
    assert r.status_code == 201
    assert any(p.name == "Hal Ames" for p in store.snapshot("two").people.values())


def test_the_openapi_document_says_a_record_without_campaign_is_refused_when_ambiguous():
    from dashboard.api import openapi

    post = openapi()["paths"]["/api/v1/records"]["post"]
    [param] = post["parameters"]
    assert "only" in param["description"] and "422" in param["description"]
    assert "campaign" in post["responses"]["422"]["description"]


# --- 2. a request-size limit ------------------------------------------------------------------

def test_a_body_larger_than_the_limit_is_refused_with_413_in_json(tmp_path, monkeypatch):
    from mapper.stores.sqlite import SQLiteStore

    monkeypatch.setenv("MAPPER_MAX_REQUEST_MB", "0.25")
    store = SQLiteStore(str(tmp_path / "s.db"))
    try:
        store.write([conversation("Ana Lopez")])
        app = create_app(lambda: store, users=USERS)
        assert app.server.config["MAX_CONTENT_LENGTH"] == 256 * 1024
        token = _accounts(app).tokens.create("maya").token
        client = app.server.test_client()
        big = [_new(f"Person {i:05d}", notes="x" * 1000) for i in range(300)]  # ~0.4 MB
        r = client.post("/api/v1/records", json=big, headers=_bearer(token))
        assert r.status_code == 413 and "larger than 256 KB" in r.json["error"]
        assert not any(p.name == "Person 00001" for p in store.snapshot(CAMPAIGN).people.values())
        # Sent in chunks with no length said, it is cut off all the same.
        r = client.post("/api/v1/records", input_stream=__import__("io").BytesIO(
            b"[" + b" " * (300 * 1024) + b"]"), content_type="application/json",
            headers={**_bearer(token), "Transfer-Encoding": "chunked"},
            environ_overrides={"wsgi.input_terminated": True})  # as gunicorn says
        assert r.status_code == 413 and r.is_json
        small = client.post("/api/v1/records", json=big[:10], headers=_bearer(token))
        assert small.status_code == 201
    finally:
        store.close()


def test_the_request_limit_is_a_few_mb_by_default_and_a_bad_setting_is_refused():
    from dashboard.api import max_request_bytes
    from dashboard.pages.upload import MAX_BYTES

    # Room for the upload page's largest file as its callback sends it (base64), no more.
    assert (MAX_BYTES * 4) // 3 < max_request_bytes({}) <= 32 << 20
    with pytest.raises(ValueError, match="MAPPER_MAX_REQUEST_MB"):
        max_request_bytes({"MAPPER_MAX_REQUEST_MB": "-1"})


# --- 3. secure cookies behind a proxy ---------------------------------------------------------

def _csrf(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _sign_in(client, username: str, password: str = PASSWORD, **kw):
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": _csrf(client), "next": "/"}, **kw)


def test_behind_a_proxy_on_loopback_the_session_cookie_is_https_only(tmp_path, monkeypatch):
    from mapper.serve import ServeOptions, make_app, secure_cookies

    monkeypatch.delenv("MAPPER_SECURE_COOKIES", raising=False)
    assert secure_cookies(ServeOptions(host="127.0.0.1", behind_proxy=True))
    assert secure_cookies(ServeOptions(host="0.0.0.0"))
    assert not secure_cookies(ServeOptions(host="127.0.0.1"))
    server = make_app(ServeOptions(db=str(tmp_path / "s.db"), behind_proxy=True))
    server.extensions["mapper_accounts"].users.add("sam", "viewer", "a long enough passphrase")
    client = server.test_client()
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    r = _sign_in(client, "sam", "a long enough passphrase", headers=proxied)
    assert r.status_code == 302
    cookies = [h for h in r.headers.getlist("Set-Cookie") if h.startswith("mapper_session=")]
    assert cookies and all("; Secure" in h for h in cookies)


def _address_seen(tmp_path, proxies: int, forwarded: str) -> list[str]:
    """The client address a failed sign-in is counted under, through ``proxies`` proxies."""
    import sqlite3

    from mapper.serve import ServeOptions, make_app

    db = tmp_path / f"s{len(list(tmp_path.iterdir()))}.db"
    server = make_app(ServeOptions(db=str(db), behind_proxy=proxies))
    server.extensions["mapper_accounts"].users.add("sam", "viewer", "a long enough passphrase")
    r = _sign_in(server.test_client(), "sam", "wrong", headers={"X-Forwarded-For": forwarded},
                 environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert r.status_code == 401
    with sqlite3.connect(db) as conn:
        return [a for (a,) in conn.execute("SELECT address FROM login_failures")]


def test_behind_proxies_the_client_address_is_the_one_the_outermost_trusted_proxy_saw(tmp_path):
    """Each proxy appends the address it was reached from: with N trusted, the Nth from the
    end is the client's, and what the client wrote before it is not taken (a forged entry
    would spread one guesser's failures over made-up addresses, dodging the lockout)."""
    forged = "6.6.6.6"
    assert _address_seen(tmp_path, 1, f"{forged}, 203.0.113.9") == ["203.0.113.9"]
    # Two proxies (a CDN, then Caddy): not the inner proxy's address for every client.
    assert _address_seen(tmp_path, 2, f"{forged}, 203.0.113.9, 10.0.0.2") == ["203.0.113.9"]
    # Fewer entries than proxies trusted: the header is not believed at all.
    assert _address_seen(tmp_path, 2, forged) == ["127.0.0.1"]


def test_serve_trusts_as_many_proxies_as_it_is_told_and_a_bare_behind_proxy_means_one(
        tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from mapper import cli, serve

    db = str(tmp_path / "s.db")
    runner = CliRunner()
    added = runner.invoke(cli.app, ["users", "add", "sam", "--role", "admin", "--db", db],
                          input="a long enough passphrase\n" * 2)
    assert added.exit_code == 0, added.output
    told: list[int] = []
    monkeypatch.setattr(serve, "serve", lambda options: told.append(options.behind_proxy))
    monkeypatch.setattr(cli, "_check_port", lambda *a: None)
    for args in ([], ["--behind-proxy"], ["--proxies", "2"], ["--behind-proxy", "--proxies", "3"]):
        result = runner.invoke(cli.app, ["serve", *args, "--db", db])
        assert result.exit_code == 0, result.output
    assert told == [0, 1, 2, 3]
    result = runner.invoke(cli.app, ["serve", "--proxies", "0", "--db", db])
    assert result.exit_code == 2 and "--proxies" in result.output
    # On a public address the proxy can be gone around: said when it starts.
    result = runner.invoke(cli.app, ["serve", "--behind-proxy", "--host", "0.0.0.0", "--db", db])
    assert result.exit_code == 0 and "X-Forwarded-For" in result.output, result.output
    # Under another WSGI server: MAPPER_BEHIND_PROXY says how many.
    assert [serve.proxies_from_env({serve.PROXY_ENV: v}) for v in ("", "0", "1", "2")] == [
        0, 0, 1, 2]
    with pytest.raises(ValueError, match=serve.PROXY_ENV):
        serve.proxies_from_env({serve.PROXY_ENV: "yes"})


def test_over_https_every_answer_tells_the_browser_to_keep_to_https(tmp_path):
    from mapper.serve import ServeOptions, make_app

    server = make_app(ServeOptions(db=str(tmp_path / "s.db"), behind_proxy=True))
    client = server.test_client()
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    for path in ("/login", "/", "/api/v1/me"):
        r = client.get(path, headers=proxied)
        assert r.headers.get("Strict-Transport-Security") == "max-age=31536000", path
    # Over plain HTTP it means nothing to a browser, and is not sent.
    assert "Strict-Transport-Security" not in client.get("/login").headers


def _inline_scripts(html: str) -> list[str]:
    """The inline scripts a browser would run in ``html`` (not data blocks, not comments)."""
    html = re.sub(r"<!--.*?-->", "", html, flags=re.S)
    return [body for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
            if "src=" not in attrs and "application/json" not in attrs]


def _script_src(policy: str) -> list[str]:
    return next(d.split()[1:] for d in policy.split("; ") if d.startswith("script-src "))


def test_every_answer_lets_only_the_inline_scripts_the_server_wrote_run(tmp_path):
    """A script slipped into a name or a story, were a page ever to write it unescaped, would
    not run: every answer says which inline scripts may (their hashes), each one its page
    holds among them; none from elsewhere, no eval, and no other site may frame a page."""
    import base64
    import hashlib

    from mapper.serve import ServeOptions, make_app

    server = make_app(ServeOptions(db=str(tmp_path / "s.db")))
    server.extensions["mapper_accounts"].users.add("sam", "viewer", "a long enough passphrase")
    client = server.test_client()

    def allowed(r) -> list[str]:
        policy = r.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert "unsafe-eval" not in policy and "*" not in policy
        scripts = _script_src(policy)
        assert scripts[0] == "'self'" and "'unsafe-inline'" not in scripts
        return scripts

    def hashed(body: str) -> str:
        return f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"

    login = client.get("/login")
    assert _inline_scripts(login.get_data(as_text=True))  # its drafts-clearing script
    assert all(hashed(b) in allowed(login) for b in _inline_scripts(login.get_data(as_text=True)))
    assert _sign_in(client, "sam", "a long enough passphrase").status_code == 302
    # The first page Dash serves adds its pages' router script: that answer names it too.
    for path in ("/", "/ready", "/record"):
        r = client.get(path)
        bodies = _inline_scripts(r.get_data(as_text=True))
        assert r.status_code == 200 and len(bodies) >= 3, path  # renderer, clientside callbacks
        assert all(hashed(b) in allowed(r) for b in bodies), path
    assert allowed(client.get("/api/v1/me"))


# --- 4. failed sign-ins: no typed text kept; a ceiling per username ---------------------------

def _failure_rows(store) -> str:
    """Everything the store keeps about failed sign-ins, as text."""
    from mapper.stores.sqlite import SQLiteStore

    if isinstance(store, SQLiteStore):
        import sqlite3

        with sqlite3.connect(store.path) as db:
            return repr(db.execute("SELECT * FROM login_failures").fetchall())
    with store.driver.session(database=store.database) as session:
        return repr([r.data() for r in session.run("MATCH (f:LoginFailure) RETURN f")])


def test_a_failed_sign_in_keeps_no_text_of_what_was_typed_as_the_username(store):
    from mapper.users import users_for

    users = users_for(store)
    try:
        typed = "Hunter2-MyRealPassphrase"  # a password typed in the username box
        users.failed(typed, "198.51.100.7")
        rows = _failure_rows(store)
        assert "198.51.100.7" in rows  # the failure is kept ...
        assert typed.casefold() not in rows.casefold()  # ... but not what was typed
        assert users._failures(users.who(typed), "198.51.100.7", 0.0)  # found by its hash
        assert users.who(typed) == users.who(" " + typed.upper())
    finally:
        users.close()


def test_guessing_one_username_from_many_addresses_locks_it_until_the_failures_age_out(store):
    from mapper.users import users_for

    now = [1_000_000.0]
    users = users_for(store, clock=lambda: now[0])
    try:
        for i in range(users.user_limit - 1):
            users.failed("maya", f"203.0.113.{i}")  # one failure per address: no address lock
            now[0] += 1.0
        assert not users.locked("maya", "192.0.2.1")
        users.failed("maya", "203.0.113.250")
        assert users.locked("maya", "192.0.2.1")  # from any address, the right password too
        assert not users.locked("dev", "192.0.2.1")  # another user is not
        now[0] += users.user_window
        assert not users.locked("maya", "192.0.2.1")
    finally:
        users.close()


def test_the_sign_in_page_refuses_a_username_guessed_from_many_addresses(tmp_path):
    from mapper.stores.sqlite import SQLiteStore

    store = SQLiteStore(str(tmp_path / "s.db"))
    try:
        app = create_app(lambda: store, users=USERS)
        limit = _accounts(app).users.user_limit
        for i in range(limit):
            client = app.server.test_client()
            r = _sign_in(client, "maya", "nope", environ_base={"REMOTE_ADDR": f"203.0.113.{i}"})
            assert r.status_code == 401
        r = _sign_in(app.server.test_client(), "maya", environ_base={"REMOTE_ADDR": "192.0.2.1"})
        assert r.status_code == 429
        assert _sign_in(app.server.test_client(), "root").status_code == 302
    finally:
        store.close()


# --- 5. only the API's own routes skip the sign-in guard --------------------------------------

def test_an_unknown_path_under_the_api_prefix_is_not_served_the_app_without_sign_in(tmp_path):
    from dashboard.api import BLUEPRINT
    from dashboard.auth import _OPEN_BLUEPRINTS
    from mapper.stores.sqlite import SQLiteStore

    assert _OPEN_BLUEPRINTS == {BLUEPRINT}
    store = SQLiteStore(str(tmp_path / "s.db"))
    try:
        app = create_app(lambda: store, users=USERS)
        client = app.server.test_client()
        for path in ("/api/v1/xyz", "/api/v1/", "/api/v1/me/../../people", "/api/v1x"):
            r = client.get(path)
            assert r.status_code in (302, 401, 404), path
            assert r.status_code != 200 and "_dash-" not in r.get_data(as_text=True), path
        assert client.get("/api/v1/xyz").headers["Location"].startswith("/login")
        assert client.get("/api/v1/openapi.json").status_code == 200  # the API's own, open
        assert client.get("/api/v1/me").status_code == 401  # the API's own: asks for a token
    finally:
        store.close()
