"""A campaign team's server: users, the lockout, the audit trail and API tokens in the store.

Two apps on one store stand for two server processes (the gunicorn test runs real ones). Each
test runs on the embedded store and on a real Neo4j (the ``store`` fixture).
"""

from __future__ import annotations

import json
import os
import re

import pytest
from werkzeug.security import generate_password_hash

from dashboard.app import create_app
from dashboard.users import User, hash_password
from mapper.stores.sqlite import SQLiteStore
from mapper.users import users_for, verify_password
from tests.records import CAMPAIGN, conversation, small_campaign

PASSWORD = "correct horse battery staple"
HASH = hash_password(PASSWORD)
ADMIN = User("root", "admin", None, HASH)
PLANNER = User("pat", "planner", None, HASH)
MAYA = User("maya", "organizer", "Maya Ortiz", HASH)
DEV = User("dev", "organizer", "Dev Patel", HASH)
VIEWER = User("vera", "viewer", None, HASH)
USERS = {u.username: u for u in (ADMIN, PLANNER, MAYA, DEV, VIEWER)}
COOKIE = "mapper_session"
DEV_PHONE, DEV_EMAIL, DEV_STORY = "+1 555 0909", "dev-contact@example.org", "DEV'S CONTACT STORY"


@pytest.fixture(autouse=True)
def shared_secret(monkeypatch):
    monkeypatch.setenv("MAPPER_SECRET_KEY", "test-secret-" + "k" * 40)


def _records():
    return small_campaign() + [conversation(
        "Gus Hale", "2026-11-21", organizer="Dev Patel",
        contact={"name": "Gus Hale", "unit": "ER", "phone": DEV_PHONE, "email": DEV_EMAIL},
        issues=[{"issue": "short staffing", "anger": 4, "story": DEV_STORY}],
        notes="DEV'S NOTES")]


@pytest.fixture
def filled(store):
    store.write(_records())
    return store


def _again(store, request):
    """The same store opened a second time, as another server process would open it."""
    if isinstance(store, SQLiteStore):
        return SQLiteStore(store.path)
    from mapper.stores.neo4j import Neo4jStore

    return Neo4jStore(request.getfixturevalue("neo4j_uri"), os.environ.get("NEO4J_USER"),
                      os.environ.get("NEO4J_PASSWORD"), os.environ.get("NEO4J_DATABASE"))


@pytest.fixture
def two(filled, request):
    """Two apps ("workers") on the same store, each with its own connection."""
    other = _again(filled, request)
    first = create_app(lambda: filled, users=USERS)
    second = create_app(lambda: other, users={})
    _accounts(first).users  # the users written into the store before anyone signs in
    yield first, second
    other.close()


def _accounts(app):
    return app.server.extensions["mapper_accounts"]


def _csrf(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _sign_in(client, username: str, password: str = PASSWORD):
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": _csrf(client), "next": "/"})


def _reads_layout(app, cookie: str) -> int:
    client = app.server.test_client()
    client.set_cookie(COOKIE, cookie)
    return client.get("/_dash-layout").status_code


def _personal_values() -> set[str]:
    """Every personal value of the test campaign: contact details, stories, notes, words."""
    found: set[str] = set()
    for record in _records():
        body = record.model_dump(mode="json", exclude_none=True)
        contact = body.get("contact") or {}
        found |= {contact.get("phone"), contact.get("email")}
        found |= {i.get("story") for i in body.get("issues", [])}
        found |= {body.get("notes")} | {r.get("note") for r in body.get("referrals", [])}
    return {v for v in found if v}


def _names() -> set[str]:
    names = set()
    for record in _records():
        body = record.model_dump(mode="json", exclude_none=True)
        for field in ("name", "person", "other"):
            if isinstance(body.get(field), str):
                names.add(body[field])
        if "contact" in body:
            names.add(body["contact"]["name"])
    return names


# --- users ------------------------------------------------------------------------------------

def test_users_live_in_the_store_with_argon2_hashes_and_imported_scrypt_hashes_still_work(store):
    users = users_for(store)
    try:
        row = users.add("sam", "viewer", "a long enough passphrase")
        assert row.password_hash.startswith("$argon2id$")
        scrypt = generate_password_hash(PASSWORD)
        users.import_users([users.get("sam").__class__("old", "admin", None, scrypt)])
        assert verify_password(users.get("old").password_hash, PASSWORD)
        assert not verify_password(users.get("old").password_hash, "wrong " + PASSWORD)
        with pytest.raises(ValueError, match="password: the password is shorter"):
            users.add("tiny", "viewer", "short")
        with pytest.raises(ValueError, match="organizer"):
            users.add("nameless", "organizer", "a long enough passphrase")
    finally:
        users.close()


def test_a_user_added_in_one_process_signs_in_at_another(two):
    first, second = two
    _accounts(first).users.add("sam", "viewer", "a long enough passphrase")
    r = _sign_in(second.server.test_client(), "sam", "a long enough passphrase")
    assert r.status_code == 302


def test_the_lockout_is_shared_by_every_process_on_the_store(two):
    first, second = two
    for _ in range(5):
        assert _sign_in(first.server.test_client(), "maya", "nope").status_code == 401
    r = _sign_in(second.server.test_client(), "maya")  # the right password, at the other
    assert r.status_code == 429
    assert _sign_in(second.server.test_client(), "dev").status_code == 302


def test_deactivating_a_user_in_one_process_ends_her_sessions_in_the_other(two):
    first, second = two
    client = second.server.test_client()
    assert _sign_in(client, "maya").status_code == 302
    cookie = client.get_cookie(COOKIE).value
    assert _reads_layout(second, cookie) == 200
    from mapper.services import change_user

    acc = _accounts(first)
    change_user(acc.users, acc.sessions, acc.audit, ADMIN, "root", "disable", "maya",
                tokens=acc.tokens)
    assert _reads_layout(second, cookie) == 401
    assert _sign_in(second.server.test_client(), "maya").status_code == 401


def test_only_an_admin_manages_users_and_no_admin_locks_herself_out(filled):
    from mapper.services import NotAllowed, ServiceError, change_user

    acc = _accounts(create_app(lambda: filled, users=USERS))
    with pytest.raises(NotAllowed):
        change_user(acc.users, acc.sessions, acc.audit, PLANNER, "pat", "add", "x",
                    tokens=acc.tokens, role="viewer", password="a long enough passphrase")
    with pytest.raises(ServiceError, match="herself"):
        change_user(acc.users, acc.sessions, acc.audit, ADMIN, "root", "disable", "root",
                    tokens=acc.tokens)


# --- the audit trail --------------------------------------------------------------------------

def _person_view_payload(key: str) -> dict:
    from dashboard import ids

    return {"output": f"{ids.PERSON_BODY}.children",
            "outputs": {"id": ids.PERSON_BODY, "property": "children"},
            "inputs": [{"id": ids.PERSON_KEY, "property": "data", "value": key},
                       {"id": ids.CAMPAIGN, "property": "data", "value": CAMPAIGN}],
            "changedPropIds": [f"{ids.PERSON_KEY}.data"]}


def test_the_audit_records_sign_ins_a_person_page_an_export_and_a_write_without_personal_values(two):
    first, _ = two
    client = first.server.test_client()
    assert _sign_in(client, "nobody-" + PASSWORD, "x").status_code == 401  # typed, not kept
    assert _sign_in(client, "maya").status_code == 302
    key = f"person:{CAMPAIGN}:ana lopez"
    assert client.post("/_dash-update-component", json=_person_view_payload(key)).status_code == 200
    assert client.get(f"/download/ready.csv?campaign={CAMPAIGN}").status_code == 200
    acc = _accounts(first)
    token = acc.tokens.create("maya").token
    new = conversation("Hal Ames", "2026-11-25").model_dump(mode="json", exclude_none=True)
    r = client.post("/api/v1/records", json=new, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201

    entries = acc.audit.entries()
    actions = [(e.actor, e.action) for e in entries]
    assert ("(unknown)", "sign_in_failed") in actions and ("maya", "sign_in") in actions
    viewed = [e for e in entries if e.action == "person_viewed"]
    assert viewed and viewed[0].actor == "maya" and viewed[0].target == acc.audit.opaque(key)
    exported = [e for e in entries if e.action == "list_exported"]
    assert exported and exported[0].detail["list"] == "ready" and exported[0].detail["format"] == "csv"
    created = [e for e in entries if e.action == "record_created"]
    assert [e.detail["kind"] for e in created] == ["conversation"]
    assert acc.audit.key_of(created[0].target) == f"conversation:{CAMPAIGN}:2026-11-25-hal-ames"

    text = json.dumps([e.as_dict() for e in entries]).casefold()
    for value in _personal_values() | _names() | {"hal ames", "ana lopez", PASSWORD}:
        assert value.casefold() not in text
    assert "person:" not in text and "conversation:" not in text


def test_an_export_is_audited_with_the_campaign_it_holds_not_what_its_link_said(two):
    first, _ = two
    client = first.server.test_client()
    assert _sign_in(client, "maya").status_code == 302
    for query in ("", "?campaign=Ana+Lopez+told+me+she+is+pregnant"):
        assert client.get(f"/download/ready.csv{query}").status_code == 200
    rows = len(client.get("/download/ready.csv").data.decode("utf-8-sig").splitlines()) - 1
    exported = [e for e in _accounts(first).audit.entries() if e.action == "list_exported"]
    assert [e.detail["campaign"] for e in exported] == [CAMPAIGN] * 3
    assert [e.detail["rows"] for e in exported] == [rows] * 3


def test_a_person_page_is_audited_whatever_id_the_callback_request_gives_its_key(filled):
    # Dash hands a callback its inputs by position: the ids beside them are the sender's to
    # choose, and must not let a page be read unaudited.
    from dashboard import ids

    app = create_app(lambda: filled, users=USERS)
    client = app.server.test_client()
    assert _sign_in(client, "maya").status_code == 302
    key = f"person:{CAMPAIGN}:ana lopez"
    body = _person_view_payload(key)
    body["inputs"][0]["id"] = ids.PERSON_KEY + "-renamed"
    r = client.post("/_dash-update-component", json=body)
    assert r.status_code == 200 and "secret-email@example.org" in r.get_data(as_text=True)
    acc = _accounts(app)
    viewed = [e for e in acc.audit.entries() if e.action == "person_viewed"]
    assert [(e.actor, e.target) for e in viewed] == [("maya", acc.audit.opaque(key))]


def test_the_audit_trail_is_append_only(tmp_path):
    import sqlite3

    from mapper.audit import audit_for_path

    path = str(tmp_path / "a.db")
    log = audit_for_path(path)
    log.append("root", "sign_in")
    db = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE audit SET actor = 'someone else'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM audit")
    with pytest.raises(ValueError):
        log.append("root", "sign_in", story="a" * 200)


# --- tokens and the API -----------------------------------------------------------------------

def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_is_created_used_revoked_and_refused_after_revocation(filled):
    app = create_app(lambda: filled, users=USERS)
    tokens = _accounts(app).tokens
    made = tokens.create("maya", "phone form")
    client = app.server.test_client()
    assert client.get("/api/v1/me", headers=_bearer(made.token)).json["username"] == "maya"
    assert [t.id for t in tokens.list("maya")] == [made.id]
    assert made.token not in json.dumps([t.as_dict() for t in tokens.list()])  # kept hashed
    assert tokens.revoke(made.id)
    r = client.get("/api/v1/me", headers=_bearer(made.token))
    assert r.status_code == 401
    assert client.get("/api/v1/me").status_code == 401  # no token
    # A browser's cookie is no API credential (no CSRF on the API).
    browser = app.server.test_client()
    assert _sign_in(browser, "maya").status_code == 302
    assert browser.get("/api/v1/me").status_code == 401


def test_a_question_answer_says_when_it_was_computed(filled, monkeypatch):
    """A kept whole-graph answer may be minutes old: the API says when it was computed, as
    the page does, not when it was asked."""
    import datetime as dt

    from mapper import clock

    t0 = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone.utc)
    now = [t0]
    monkeypatch.setattr(clock, "now", lambda: now[0])
    app = create_app(lambda: filled, users=USERS)
    token = _accounts(app).tokens.create("maya").token
    client = app.server.test_client()
    def computed_at(question: str, query: str = "") -> dt.datetime:
        r = client.get(f"/api/v1/questions/{question}?campaign={CAMPAIGN}{query}",
                       headers=_bearer(token))
        assert r.status_code == 200
        return dt.datetime.fromisoformat(r.json["computed_at"])

    assert computed_at("power") == computed_at("clusters", "&min_anger=2") == t0
    now[0] = t0 + dt.timedelta(minutes=3)  # nothing written since: the kept answers are current
    assert computed_at("power") == computed_at("clusters", "&min_anger=2") == t0
    # Read from the store's counts as asked.
    assert computed_at("overview") == computed_at("structure") == now[0]


def test_min_anger_outside_0_to_5_is_refused_and_keeps_no_answer(filled):
    """Each anger level asked is a whole-graph answer kept in the store and computed again
    after every write: a token may not make more than the six levels there are, nor a 500."""
    app = create_app(lambda: filled, users=USERS)
    token = _accounts(app).tokens.create("vera").token
    client = app.server.test_client()

    def status(level: str) -> int:
        return client.get(f"/api/v1/questions/clusters?campaign={CAMPAIGN}&min_anger={level}",
                          headers=_bearer(token)).status_code

    assert status("0") == status("5") == 200
    kept = len(filled.answer_stamps())
    for level in ("6", "-1", "99", "9" * 30):
        assert status(level) == 400, level
    assert len(filled.answer_stamps()) == kept


def test_a_deactivated_users_token_stops_working_and_stays_revoked_when_she_is_back(filled):
    """A token is often kept on a phone: a deactivation (a lost phone, someone who left) revokes
    it, and enabling her again gives none back. Her new tokens work; others' are untouched."""
    from mapper.services import change_user

    app = create_app(lambda: filled, users=USERS)
    acc = _accounts(app)
    token, kept = acc.tokens.create("dev").token, acc.tokens.create("dev").token
    others = acc.tokens.create("maya").token
    client = app.server.test_client()
    def status(t: str) -> int:
        return client.get("/api/v1/me", headers=_bearer(t)).status_code

    assert status(token) == status(kept) == 200
    acc.users.set_active("dev", False)  # refused while she is inactive, whatever the path
    assert status(token) == 401
    acc.users.set_active("dev", True)
    assert acc.tokens.revoke(acc.tokens.list("dev")[1].id)
    change_user(acc.users, acc.sessions, acc.audit, ADMIN, "root", "disable", "dev",
                tokens=acc.tokens)
    assert status(token) == status(kept) == 401
    change_user(acc.users, acc.sessions, acc.audit, ADMIN, "root", "enable", "dev",
                tokens=acc.tokens)
    assert status(token) == status(kept) == 401
    assert all(t.revoked is not None for t in acc.tokens.list("dev"))
    assert status(acc.tokens.create("dev").token) == 200 and status(others) == 200
    disabled = [e for e in acc.audit.entries(since=0.0) if e.action == "user_disabled"]
    assert disabled[-1].detail == {"tokens_revoked": 1}  # the one still live


def test_enabling_a_user_revokes_tokens_a_deactivation_left_live(filled):
    """A user deactivated before deactivations revoked tokens (or while one was being made)
    still holds live ones: enabling her gives none of them back either."""
    from mapper.services import change_user

    app = create_app(lambda: filled, users=USERS)
    acc = _accounts(app)
    token = acc.tokens.create("dev").token
    acc.users.set_active("dev", False)  # as `mapper users disable` did before: nothing revoked
    client = app.server.test_client()
    change_user(acc.users, acc.sessions, acc.audit, ADMIN, "root", "enable", "dev",
                tokens=acc.tokens)
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 401
    assert all(t.revoked is not None for t in acc.tokens.list("dev"))
    enabled = [e for e in acc.audit.entries(since=0.0) if e.action == "user_enabled"]
    assert enabled[-1].detail == {"tokens_revoked": 1}
    # Enabling someone already active takes nothing from her.
    fresh = acc.tokens.create("dev").token
    change_user(acc.users, acc.sessions, acc.audit, ADMIN, "root", "enable", "dev",
                tokens=acc.tokens)
    assert client.get("/api/v1/me", headers=_bearer(fresh)).status_code == 200


def test_a_body_nested_too_deep_to_read_is_a_400_not_a_500(filled):
    app = create_app(lambda: filled, users=USERS)
    token = _accounts(app).tokens.create("maya").token
    client = app.server.test_client()
    for body in ("[" * 100_000, '{"records": ' + "[" * 5000 + "]" * 5000 + "}"):
        r = client.post("/api/v1/records", data=body, content_type="application/json",
                        headers=_bearer(token))
        assert r.status_code == 400, r.status_code
        assert "not JSON" in r.json["error"]


def test_a_body_giving_a_key_twice_is_refused_naming_the_record_and_field(tmp_path):
    """JSON parsers keep the last of two values silently: the first (a name, a story) would
    be lost without a word. Refused before the store is asked (the embedded one stands in)."""
    store = SQLiteStore(tmp_path / "api.db")
    store.write(_records())
    before = store.counts()
    app = create_app(lambda: store, users=USERS)
    token = _accounts(app).tokens.create("maya").token
    client = app.server.test_client()
    new = json.dumps(conversation("Hal Ames", "2026-11-25").model_dump(mode="json",
                                                                       exclude_none=True))
    twice = new[:-1] + ', "notes": "A SECRET", "notes": "x"}'
    for body, record in ((f"[{new}, {twice}]", "record 2"), (twice, "record 1"),
                         (f'{{"records": [{twice}]}}', "record 1"),
                         (f'{{"records": [], "records": [{new}]}}', "request")):
        r = client.post("/api/v1/records", data=body, content_type="application/json",
                        headers=_bearer(token))
        assert r.status_code == 422, (body, r.status_code)
        field = "records" if record == "request" else "notes"
        assert r.json["errors"] == [{"record": record, "field": field, "message":
                                     "given twice in one record; keep one of them (else one "
                                     "value would be silently dropped)"}]
        assert "A SECRET" not in r.get_data(as_text=True)
    assert store.counts() == before


def test_posting_records_is_idempotent_and_errors_name_the_field_not_the_value(filled):
    app = create_app(lambda: filled, users=USERS)
    token = _accounts(app).tokens.create("maya").token
    client = app.server.test_client()
    new = conversation("Hal Ames", "2026-11-25").model_dump(mode="json", exclude_none=True)
    first = client.post("/api/v1/records", json=[new], headers=_bearer(token))
    assert first.status_code == 201 and first.json == {"added": 1, "replaced": 0, "unchanged": 0}
    again = client.post("/api/v1/records", json={"records": [new]}, headers=_bearer(token))
    assert again.status_code == 200 and again.json["unchanged"] == 1
    bad = {**new, "issues": [{"issue": "pay", "anger": 9, "story": "A SECRET"}],
           "contact": {"name": "Ivy Bad", "phone": "+1 555 7777"}}
    r = client.post("/api/v1/records", json=[new, {"record_type": "tie", "person": "Ivy Bad"}, bad],
                    headers=_bearer(token))
    assert r.status_code == 422
    fields = {(e["record"], e["field"]) for e in r.json["errors"]}
    assert ("record 3", "issues.0.anger") in fields and ("record 2", "other") in fields
    assert "Ivy Bad" not in r.get_data(as_text=True) and "A SECRET" not in r.get_data(as_text=True)
    # Another organizer's 1-on-1 is not hers to replace; a roster row is an admin's.
    theirs = {**new, "organizer": "Dev Patel"}
    assert client.post("/api/v1/records", json=theirs, headers=_bearer(token)).status_code == 403
    roster = {"record_type": "roster", "name": "Zed Roe", "unit": "ER", "campaign": CAMPAIGN}
    assert client.post("/api/v1/records", json=roster, headers=_bearer(token)).status_code == 403
    admin = _accounts(app).tokens.create("root").token
    assert client.post("/api/v1/records", json=roster, headers=_bearer(admin)).status_code == 201


def test_a_read_only_token_may_not_post_and_a_write_only_one_may_not_read_lists(filled):
    """A phone-bank tool gets a token that only reads; a form, one that only posts 1-on-1s.
    Either refused says which scope the token has (403), never a value; one made without a
    scope does both, as every token did before scopes."""
    app = create_app(lambda: filled, users=USERS)
    tokens = _accounts(app).tokens
    reader = tokens.create("maya", "phone bank", scopes=("read",)).token
    writer = tokens.create("maya", "sign-up form", scopes=("write",)).token
    both = tokens.create("maya").token
    client = app.server.test_client()
    new = conversation("Hal Ames", "2026-11-25",
                       contact={"name": "Hal Ames", "phone": "+1 555 0123"}
                       ).model_dump(mode="json", exclude_none=True)
    ready = f"/api/v1/lists/ready?campaign={CAMPAIGN}"

    assert client.get(ready, headers=_bearer(reader)).status_code == 200
    r = client.post("/api/v1/records", json=[new], headers=_bearer(reader))
    assert r.status_code == 403 and "scope" in r.json["error"] and "read" in r.json["error"]
    assert "Hal Ames" not in r.get_data(as_text=True) and "0123" not in r.get_data(as_text=True)
    r = client.get(ready, headers=_bearer(writer))
    assert r.status_code == 403 and "scope" in r.json["error"] and "write" in r.json["error"]
    assert client.post("/api/v1/records", json=[new], headers=_bearer(writer)).status_code == 201
    assert client.post("/api/v1/records", json=[new], headers=_bearer(both)).status_code == 200
    assert client.get(ready, headers=_bearer(both)).status_code == 200
    # Any token may ask whom it acts as, and what it may do.
    assert client.get("/api/v1/me", headers=_bearer(writer)).json["scopes"] == ["write"]
    assert client.get("/api/v1/me", headers=_bearer(both)).json["scopes"] == ["read", "write"]
    assert {t.label: t.scopes for t in tokens.list("maya")} == {
        "phone bank": ("read",), "sign-up form": ("write",), "": ("read", "write")}
    # Every GET route of the API (as the sweep enumerates them) is a read.
    swept = {url: status for url, (status, _) in _api_sweep(app, writer).items()}
    assert swept.pop("/api/v1/me") == swept.pop("/api/v1/openapi.json") == 200
    assert swept and set(swept.values()) == {403}, swept


def test_a_write_only_token_is_told_its_records_are_recorded_never_what_the_store_held(filled):
    """A form's token may not read: whether a 1-on-1 of that id was stored already, or stored
    the same, is something it could learn only by reading (a guessed id answered "replaced"
    said she had talked with that person that day). One answer for a first send, a re-send
    and a change; a token that reads keeps the counts."""
    app = create_app(lambda: filled, users=USERS)
    tokens = _accounts(app).tokens
    writer, both = (tokens.create("maya", scopes=s).token for s in (("write",), None))
    client = app.server.test_client()
    new = conversation("Hal Ames", "2026-11-25").model_dump(mode="json", exclude_none=True)
    stored = conversation("Ana Lopez", "2026-11-01").model_dump(mode="json", exclude_none=True)

    def post(token: str, body) -> tuple[int, dict]:
        r = client.post("/api/v1/records", json=body, headers=_bearer(token))
        return r.status_code, r.json

    neutral = (201, {"recorded": 1})
    assert post(writer, new) == post(writer, new) == post(writer, {**new, "notes": "x"}) == neutral
    assert post(writer, [new, stored]) == (201, {"recorded": 2})
    assert post(writer, stored) == post(writer, {**stored, "notes": "y"}) == neutral
    changed = {**new, "notes": "z"}
    assert post(both, changed) == (200, {"added": 0, "replaced": 1, "unchanged": 0})
    assert post(both, changed) == (200, {"added": 0, "replaced": 0, "unchanged": 1})
    [kept] = filled.get_records([f"conversation:{CAMPAIGN}:2026-11-01-ana-lopez"])
    assert kept.body["notes"] == "y"
    # Nor which campaigns the store holds (GET /campaigns is a read).
    filled.write([conversation("Bea Quill", "2026-11-10", campaign="beta-plant")])
    unnamed = {k: v for k, v in new.items() if k != "campaign"}
    status, answer = post(writer, unnamed)
    assert status == 422 and "beta-plant" not in json.dumps(answer)
    assert CAMPAIGN not in json.dumps(answer) and "?campaign=NAME" in json.dumps(answer)
    assert "beta-plant" in json.dumps(post(both, unnamed)[1])


def test_an_organizers_token_cannot_replace_a_1on1_someone_else_recorded_by_its_id(filled):
    """As the form refuses it (test_an_organizer_cannot_overwrite_anothers_conversation): the
    rule is the services' may_post, whichever scopes the token has, whether the id sent is
    the one the date and the name derive or another; nothing is written. (Sent without an
    id, his 1-on-1 is his own record: the test after the next.)"""
    app = create_app(lambda: filled, users=USERS)
    tokens = _accounts(app).tokens
    dev = [tokens.create("dev", scopes=s).token for s in (("write",), None)]
    client = app.server.test_client()
    before = filled.version()
    derived = conversation("Ana Lopez", "2026-11-01", organizer="Dev Patel", notes="TAKEN OVER")
    given = conversation("Ana Lopez", "2026-11-30", organizer="Dev Patel", id="ana-second")
    for token in dev:
        for record in (derived, given):
            body = record.model_dump(mode="json", exclude_none=True)
            r = client.post("/api/v1/records", json=body, headers=_bearer(token))
            assert r.status_code == 403 and "record 1" in r.json["error"]
            assert "Ana" not in r.get_data(as_text=True)
            assert "Maya" not in r.get_data(as_text=True)
    assert filled.version() == before
    kept = filled.get_records([f"conversation:{CAMPAIGN}:2026-11-01-ana-lopez",
                               f"conversation:{CAMPAIGN}:ana-second"])
    assert [(r.body["organizer"], r.body["notes"]) for r in kept] == [
        ("Maya Ortiz", "SECRET NOTES")] * 2


def test_a_token_made_before_scopes_reads_and_writes_as_it_did(filled):
    """A token the store kept before tokens had scopes: both, so scripts keep working."""
    from mapper.tokens import tokens_for
    from mapper.users import digest

    token = "cm_0123456789ab_" + "s" * 43
    if isinstance(filled, SQLiteStore):
        import sqlite3

        db = sqlite3.connect(filled.path)
        db.executescript("CREATE TABLE api_tokens (id TEXT PRIMARY KEY, username TEXT NOT NULL,"
                         " label TEXT NOT NULL, created REAL NOT NULL, revoked REAL,"
                         " token_hash TEXT NOT NULL UNIQUE) WITHOUT ROWID;")
        db.execute("INSERT INTO api_tokens VALUES ('0123456789ab', 'maya', 'old', 1.0, NULL, ?)",
                   (digest(token),))
        db.commit()
        db.close()
    else:
        with filled.driver.session(database=filled.database) as session:
            session.run("CREATE (:ApiToken {id: '0123456789ab', username: 'maya', label: 'old',"
                        " created: 1.0, revoked: null, token_hash: $h})",
                        h=digest(token)).consume()
    tokens = tokens_for(filled)
    assert [t.scopes for t in tokens.list("maya")] == [("read", "write")]
    tokens.close()
    app = create_app(lambda: filled, users=USERS)
    client = app.server.test_client()
    new = conversation("Hal Ames", "2026-11-25").model_dump(mode="json", exclude_none=True)
    assert client.post("/api/v1/records", json=[new], headers=_bearer(token)).status_code == 201
    assert client.get(f"/api/v1/lists/ready?campaign={CAMPAIGN}",
                      headers=_bearer(token)).status_code == 200
    made = _accounts(app).tokens.create("maya", scopes=("read",))
    assert _accounts(app).tokens.get(made.id).scopes == ("read",)


def test_an_organizer_cannot_close_another_organizers_follow_up_item_by_posting_an_update(
        filled):
    """As on the Follow-ups page (mapper.services.close_item): the items of a contact another
    organizer last spoke with are hers to close, whether the update names the 1-on-1 or not."""
    import datetime as dt

    from mapper.services import open_items

    filled.write([conversation("Gus Hale", "2026-11-22", organizer="Dev Patel", id="gus-dev",
                               follow_up={"assignment": "x", "due": "2026-11-29",
                                          "thank_you_sent": False})])
    app = create_app(lambda: filled, users=USERS)
    maya, dev = (_accounts(app).tokens.create(u).token for u in ("maya", "dev"))
    client = app.server.test_client()

    def post(token: str, update: str, **more: str) -> int:
        body = {"record_type": "update", "person": "Gus Hale", "update": update,
                "date": "2026-12-01", "campaign": CAMPAIGN, **more}
        organizer = "Maya Ortiz" if token == maya else "Dev Patel"
        return client.post("/api/v1/records", json={**body, "organizer": organizer},
                           headers=_bearer(token)).status_code

    def still_open() -> set[str]:
        return {i["id"] for i in open_items(filled.snapshot(CAMPAIGN), dt.date(2026, 12, 6))
                if i["conversation"] == "gus-dev"}

    assert still_open() == {"thank_you:gus-dev", "assignment:gus-dev"}
    assert post(maya, "thank_you_sent") == 403
    assert post(maya, "assignment_done", conversation="gus-dev") == 403
    assert post(maya, "assignment_not_done", conversation="gus-dev") == 403
    assert still_open() == {"thank_you:gus-dev", "assignment:gus-dev"}
    assert post(maya, "attempt", outcome="no_answer") == 201  # not an item's: anyone's to log
    assert post(dev, "thank_you_sent") == 201
    assert still_open() == {"assignment:gus-dev"}


def test_two_organizers_posting_the_same_days_attempt_both_keep_it(filled):
    """The update's derived id does not name the organizer: the second was refused as
    another organizer's. Now both are kept; a re-send changes nothing; another's record
    named by its id is still refused."""
    app = create_app(lambda: filled, users=USERS)
    maya, dev = (_accounts(app).tokens.create(u).token for u in ("maya", "dev"))
    client = app.server.test_client()
    body = {"record_type": "update", "person": "Ana Lopez", "update": "attempt",
            "outcome": "no_answer", "date": "2026-12-01", "campaign": CAMPAIGN}

    def post(token: str, **more: str):
        organizer = "Maya Ortiz" if token == maya else "Dev Patel"
        return client.post("/api/v1/records", json={**body, "organizer": organizer, **more},
                           headers=_bearer(token))

    assert post(maya).status_code == 201
    assert post(dev).status_code == 201
    for token in (maya, dev):
        r = post(token)
        assert r.status_code == 200 and r.json == {"added": 0, "replaced": 0, "unchanged": 1}
    assert post(dev, id="2026-12-01-ana-lopez-attempt-no_answer").status_code == 403
    assert sorted(u.organizer for u in filled.snapshot(CAMPAIGN).updates) == [
        "Dev Patel", "Maya Ortiz"]


def test_an_organizers_1on1_the_day_another_held_one_with_that_person_is_added_not_refused(
        filled):
    """A 1-on-1 sent without an id takes the id of its date and name: Dev's with Ana on a day
    Maya held one was refused (403) as another organizer's, which kept him from recording it
    and told even a write-only token that someone had talked with her that day. Now it is his
    own record, kept apart from hers: the answer a day no one else talked with her gets; a
    re-send is unchanged, his edit replaces his; hers is untouched."""
    filled.write([conversation("Ana Lopez", "2026-11-10")])  # Maya's, as on 2026-11-01
    app = create_app(lambda: filled, users=USERS)
    tokens = _accounts(app).tokens
    writer, both = (tokens.create("dev", scopes=s).token for s in (("write",), None))
    client = app.server.test_client()

    def post(token: str, date: str, **more: str) -> tuple[int, dict]:
        body = {"date": date, "organizer": "Dev Patel", "campaign": CAMPAIGN,
                "contact": {"name": "Ana Lopez"}, "issues": [{"issue": "pay"}], **more}
        r = client.post("/api/v1/records", json=body, headers=_bearer(token))
        return r.status_code, r.json

    added, unchanged = (201, {"added": 1, "replaced": 0, "unchanged": 0}), \
        (200, {"added": 0, "replaced": 0, "unchanged": 1})
    assert post(both, "2026-11-01") == post(both, "2026-11-02") == added
    assert post(both, "2026-11-01") == unchanged
    assert post(both, "2026-11-01", notes="later") == (200, {"added": 0, "replaced": 1,
                                                             "unchanged": 0})
    assert post(writer, "2026-11-10") == post(writer, "2026-11-11") == (201, {"recorded": 1})
    assert post(writer, "2026-11-10") == post(writer, "2026-11-11") == (201, {"recorded": 1})
    ids = [f"conversation:{CAMPAIGN}:2026-11-{d}-ana-lopez{by}" for d in ("01", "10")
           for by in ("", "-dev-patel")]
    kept = {r.id: (r.body["organizer"], r.body.get("notes")) for r in filled.get_records(ids)}
    assert kept == dict(zip(ids, [("Maya Ortiz", "SECRET NOTES"), ("Dev Patel", "later"),
                                  ("Maya Ortiz", "SECRET NOTES"), ("Dev Patel", None)]))


def test_a_viewers_token_cannot_post(filled):
    app = create_app(lambda: filled, users=USERS)
    token = _accounts(app).tokens.create("vera").token
    new = conversation("Hal Ames", "2026-11-25", organizer="Vera").model_dump(mode="json",
                                                                            exclude_none=True)
    r = app.server.test_client().post("/api/v1/records", json=new, headers=_bearer(token))
    assert r.status_code == 403
    assert "hal ames" not in json.dumps(filled.counts()).casefold()
    assert not [p for p in filled.snapshot(CAMPAIGN).people.values() if p.name == "Hal Ames"]


def test_a_viewers_refused_post_says_nothing_of_whether_a_1on1_is_stored(filled):
    # Ana's 1-on-1 of 2026-11-01 is stored, the next day's is not: a viewer probing names
    # and dates would learn who talked with an organizer when.
    app = create_app(lambda: filled, users=USERS)
    token = _accounts(app).tokens.create("vera").token
    client = app.server.test_client()
    answers = []
    for date in ("2026-11-01", "2026-11-02"):
        body = {"date": date, "organizer": "Vera", "campaign": CAMPAIGN,
                "contact": {"name": "Ana Lopez"}}
        r = client.post("/api/v1/records", json=body, headers=_bearer(token))
        assert r.status_code == 403
        answers.append(r.get_json())
    assert answers[0] == answers[1]


def _api_sweep(app, token: str) -> dict[str, tuple[int, str]]:
    """GET every route of the API, enumerated from the app's URL map, with every value its
    path parameters take (from the OpenAPI document's enums)."""
    from dashboard.api import PREFIX, openapi

    doc = openapi()
    client = app.server.test_client()
    answers = {}
    for rule in app.server.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX) or "GET" not in rule.methods:
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        params = [p for p in doc["paths"][path]["get"].get("parameters", [])
                  if p["in"] == "path"]
        urls = [rule.rule]
        for p in params:
            urls = [re.sub(rf"<(?:\w+:)?{p['name']}>", v, u) for u in urls
                    for v in p["schema"]["enum"]]
        for url in urls:
            r = client.get(f"{url}?campaign={CAMPAIGN}", headers=_bearer(token))
            answers[url] = (r.status_code, r.get_data(as_text=True))
    return answers


def test_a_viewer_sweep_of_every_api_route_finds_no_personal_value_and_no_name(filled):
    app = create_app(lambda: filled, users=USERS)
    token = _accounts(app).tokens.create("vera").token
    answers = _api_sweep(app, token)
    assert {"/api/v1/questions/power", "/api/v1/lists/ready", "/api/v1/openapi.json"} <= set(answers)
    assert answers["/api/v1/questions/overview"][0] == 200
    assert answers["/api/v1/lists/ready"][0] == 403
    contacts = _names() - {"Carl Reyes", "Ivy Chen"}  # decision makers are on the power map
    for url, (status, text) in answers.items():
        for value in _personal_values() | contacts:
            assert value not in text, f"{url} shows a viewer {value!r}"


def test_an_organizer_sweep_finds_no_personal_value_of_another_organizers_contacts(filled):
    app = create_app(lambda: filled, users=USERS)
    token = _accounts(app).tokens.create("maya").token
    answers = _api_sweep(app, token)
    assert answers["/api/v1/lists/ready"][0] == 200
    for url, (status, text) in answers.items():
        for value in (DEV_PHONE, DEV_EMAIL, DEV_STORY, "DEV'S NOTES"):
            assert value not in text, f"{url} shows Maya a detail of Dev's contact"


def test_the_api_rate_limits_each_token():
    from dashboard.api import RateLimiter

    now = [0.0]
    limiter = RateLimiter(reads=50, writes=10, clock=lambda: now[0])
    assert sum(limiter.allow("a", "write") for _ in range(20)) == 10
    assert limiter.allow("b", "write")  # another token has its own
    assert sum(limiter.allow("a", "read") for _ in range(60)) == 50
    now[0] += 1.0
    assert sum(limiter.allow("a", "write") for _ in range(20)) == 10


def test_a_rate_folder_another_user_could_have_made_is_refused_not_used(tmp_path):
    # The buckets' folder has a known name under the shared /tmp: made first by another user
    # of the machine, open to all, with a link in it to a file of the server's (its store),
    # the buckets were written into that file.
    from dashboard.api import RateLimiter

    store = tmp_path / "store.db"
    store.write_bytes(b"")
    shared = tmp_path / "mapper-1000"
    shared.mkdir()
    shared.chmod(0o777)
    (shared / "api-rate.db").symlink_to(store)
    with pytest.raises(PermissionError):
        RateLimiter(reads=50, writes=10, path=shared / "api-rate.db").allow("a", "read")
    assert store.read_bytes() == b""


def test_the_workers_of_one_server_share_each_tokens_rate(tmp_path):
    # `mapper serve` runs several processes: each has its own limiter, over one shared file,
    # so two workers do not give a token twice its rate.
    from dashboard.api import RateLimiter

    now = [100.0]
    workers = [RateLimiter(reads=50, writes=10, clock=lambda: now[0], path=tmp_path / "r.db")
               for _ in range(2)]
    assert sum(workers[i % 2].allow("a", "write") for i in range(40)) == 10
    now[0] += 0.5
    assert sum(workers[i % 2].allow("a", "write") for i in range(40)) == 5
    assert workers[1].allow("b", "write")


def test_the_openapi_document_names_every_route_of_the_api(filled):
    from dashboard.api import PREFIX

    app = create_app(lambda: filled, users=USERS)
    doc = app.server.test_client().get("/api/v1/openapi.json").json
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule)
              for r in app.server.url_map.iter_rules() if r.rule.startswith(PREFIX)}
    assert routes == set(doc["paths"])


def test_healthz_answers_without_sign_in_and_says_nothing_else(filled):
    app = create_app(lambda: filled, users=USERS)
    r = app.server.test_client().get("/healthz")
    assert r.status_code == 200 and r.json == {"status": "ok"}


def use_every_server_query(store) -> None:
    """Run every query of users, the audit trail and tokens once (tests/test_queries.py)."""
    from mapper.audit import audit_for
    from mapper.tokens import tokens_for

    users, log, tokens = users_for(store), audit_for(store), tokens_for(store)
    users.add("query-check", "viewer", "a long enough passphrase", replace_existing=True)
    users.get("query-check")
    users.all()
    users.failed("query-check", "127.0.0.1")
    users.locked("query-check", "127.0.0.1")
    users.succeeded("query-check", "127.0.0.1")
    key = "person:query-check:someone"
    log.append("query-check", "person_viewed", log.opaque(key))
    log.append_many("query-check", [("record_created", log.opaque("tie:q:a|b"), {"kind": "tie"})])
    log.entries(since=0.0, actor="query-check", limit=5)
    log.key_of(log.opaque(key))
    log.drop_opaque(key)
    made = tokens.create("query-check")
    tokens.resolve(made.token)
    tokens.list()
    tokens.list("query-check")
    tokens.revoke(made.id)


def test_every_server_query_runs(store):
    use_every_server_query(store)


def _outputs_of(client, output: str) -> list[str]:
    """The outputs of the callback that has ``output``, as the page's renderer names them (a
    shared one carries a suffix)."""
    [spec] = [d for d in client.get("/_dash-dependencies").json if output in d["output"]]
    return spec["output"].strip(".").split("...")


def _click(client, outputs: list[str], inputs: list, state: list[dict],
           clicked: int = 0) -> dict:
    """A button's callback through Dash's real endpoint (its context names the button)."""
    first = inputs[clicked][0] if isinstance(inputs[clicked], list) else inputs[clicked]
    changed = (json.dumps(first["id"], separators=(",", ":"), sort_keys=True)
               if isinstance(first["id"], dict) else first["id"])
    body = {"output": ".." + "...".join(outputs) + "..",
            "outputs": [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in outputs],
            "inputs": inputs, "state": state, "changedPropIds": [f"{changed}.n_clicks"]}
    r = client.post("/_dash-update-component", json=body)
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    return r.json


def test_deactivating_on_the_admin_page_shows_her_tokens_revoked(filled):
    """The page says her tokens are revoked: its token table says so too, not still live."""
    from dashboard import ids

    app = create_app(lambda: filled, users=USERS)
    acc = _accounts(app)
    made = acc.tokens.create("dev")
    client = app.server.test_client()
    assert _sign_in(client, "root").status_code == 302
    outputs = _outputs_of(client, f"{ids.ADMIN_USERS}.children")
    assert any(o.startswith(f"{ids.ADMIN_TOKENS}.children") for o in outputs), outputs
    button = {"id": {"type": ids.ADMIN_ACTION, "change": "disable"}, "property": "n_clicks",
              "value": 1}
    answer = _click(client, outputs, [[button]],
                    [{"id": ids.ADMIN_USERNAME, "property": "value", "value": "dev"},
                     {"id": ids.ADMIN_ROLE, "property": "value", "value": None},
                     {"id": ids.ADMIN_ORGANIZER, "property": "value", "value": None},
                     {"id": ids.ADMIN_PASSWORD, "property": "value", "value": None},
                     {"id": ids.ADMIN_CAMPAIGNS, "property": "value", "value": None}])
    shown = json.dumps(answer["response"][ids.ADMIN_TOKENS])
    revoked = acc.tokens.get(made.id).revoked
    assert revoked is not None and made.id in shown
    from dashboard.pages.admin import _when

    assert _when(revoked) in shown


def test_the_admin_page_adds_users_makes_and_revokes_tokens_and_refuses_others(filled):
    from flask_login import login_user

    from dashboard import ids
    from dashboard.pages import admin

    app = create_app(lambda: filled, users=USERS)
    acc = _accounts(app)
    with app.server.test_request_context("/"):
        login_user(MAYA)
        assert "This page is for admins" in str(admin.layout())
        login_user(ADMIN)
        assert "Forget a person" in str(admin.layout())

    def add(client) -> dict:
        button = {"id": {"type": ids.ADMIN_ACTION, "change": "add"}, "property": "n_clicks",
                  "value": 1}
        return _click(client, _outputs_of(client, f"{ids.ADMIN_USERS}.children"), [[button]],
                      [{"id": ids.ADMIN_USERNAME, "property": "value", "value": "sam"},
                       {"id": ids.ADMIN_ROLE, "property": "value", "value": "viewer"},
                       {"id": ids.ADMIN_ORGANIZER, "property": "value", "value": None},
                       {"id": ids.ADMIN_PASSWORD, "property": "value",
                        "value": "a long enough passphrase"},
                       {"id": ids.ADMIN_CAMPAIGNS, "property": "value", "value": None}])

    organizer = app.server.test_client()
    assert _sign_in(organizer, "maya").status_code == 302
    assert "only an admin" in json.dumps(add(organizer)) and acc.users.get("sam") is None
    client = app.server.test_client()
    assert _sign_in(client, "root").status_code == 302
    add(client)
    assert acc.users.get("sam").role == "viewer"

    def token_button(which: str, user: str | None, token_id: str | None,
                     scope: str = "read write") -> dict:
        create = {"id": ids.ADMIN_TOKEN_CREATE, "property": "n_clicks",
                  "value": 1 if which == "create" else None}
        revoke = {"id": ids.ADMIN_TOKEN_REVOKE, "property": "n_clicks",
                  "value": 1 if which == "revoke" else None}
        return _click(client, [f"{ids.ADMIN_TOKEN_MESSAGE}.children", f"{ids.ADMIN_TOKENS}.children"],
                      [create, revoke],
                      [{"id": ids.ADMIN_TOKEN_USER, "property": "value", "value": user},
                       {"id": ids.ADMIN_TOKEN_LABEL, "property": "value", "value": "board"},
                       {"id": ids.ADMIN_TOKEN_ID, "property": "value", "value": token_id},
                       {"id": ids.ADMIN_TOKEN_SCOPE, "property": "value", "value": scope}],
                      clicked=0 if which == "create" else 1)

    made = token_button("create", "sam", None)
    token = re.search(r"cm_[0-9a-f]{12}_[A-Za-z0-9_-]+", json.dumps(made)).group(0)
    assert client.get("/api/v1/me", headers=_bearer(token)).json["username"] == "sam"
    [row] = acc.tokens.list("sam")
    token_button("revoke", None, row.id)
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 401
    # One that only reads, listed with its scope.
    made = token_button("create", "sam", None, scope="read")
    assert "read" in json.dumps(made["response"][ids.ADMIN_TOKENS])
    assert [t.scopes for t in acc.tokens.list("sam") if t.revoked is None] == [("read",)]
    actions = {e.action for e in acc.audit.entries(actor="root")}
    assert {"user_added", "token_created", "token_revoked"} <= actions
