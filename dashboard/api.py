"""The JSON API under ``/api/v1``: records in, the dashboard's answers out, by bearer token.

A request signs in by its ``Authorization: Bearer cm_...`` header only — never by a cookie —
so another site cannot make a browser call it (no CSRF). The token acts with its user's role
as it is now (:mod:`mapper.tokens`); every answer goes through the same services and role
rules as the dashboard's pages (:func:`mapper.services.question_for`,
:func:`dashboard.exports.list_sheet`, :func:`mapper.services.post_records`). Each token may make
``MAPPER_API_READS_PER_S`` reads (default 50) and ``MAPPER_API_WRITES_PER_S`` writes (default
10) a second, counted in each server process (with N workers a token may reach N times that).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, abort, g, jsonify, request
from werkzeug.exceptions import HTTPException

from dashboard.accounts import Accounts
from dashboard.exports import LISTS, list_sheet
from dashboard.services import services
from dashboard.users import User
from mapper.privacy import private_folder
from mapper.jsonkeys import keys_given_twice
from mapper.readers import TWICE_MESSAGE, RawRecord, field_path, validate
from mapper.roles import ROLES
from mapper.services import QUESTIONS, NotAllowed, ServiceError, post_records, question_for
from mapper.tokens import SCOPES

__all__ = ["install_api", "RateLimiter", "PREFIX", "openapi", "MAX_RECORDS", "MAX_REQUEST_MB",
           "BLUEPRINT", "max_request_bytes"]

PREFIX = "/api/v1"
#: The blueprint's name: only its own routes skip the browser sign-in guard.
BLUEPRINT = "api_v1"
#: Records one POST may carry (a bigger batch is an import: `mapper import`).
MAX_RECORDS = 500
_ANALYTICS = {"overview": "overview", "structure": "structure", "clusters": "anger_clusters",
              "power": "power_map"}


class RateLimiter:
    """Token buckets per (token, reads|writes): ``rate`` a second, bursts up to ``rate``.

    With ``path``, the buckets live in a small SQLite file, so every worker process of
    ``mapper serve`` on this machine counts against the same buckets (a token cannot get N
    times its rate from N workers); without it, in this process's memory.
    """

    def __init__(self, reads: float, writes: float, clock=time.monotonic,
                 path: Path | None = None) -> None:
        self.rates = {"read": reads, "write": writes}
        self.clock = clock
        self.path = path
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._local = threading.local()

    @classmethod
    def from_env(cls, env=os.environ) -> RateLimiter:
        def rate(name: str, default: float) -> float:
            raw = env.get(name, "").strip()
            value = float(raw) if raw else default
            if not 0 < value < 1e6:
                raise ValueError(f"{name} must be a positive number")
            return value
        # CLOCK_MONOTONIC is the machine's: the same in every worker process.
        folder = Path(tempfile.gettempdir()) / f"mapper-{os.getuid()}"
        return cls(rate("MAPPER_API_READS_PER_S", 50.0), rate("MAPPER_API_WRITES_PER_S", 10.0),
                   path=folder / "api-rate.db")

    def _next(self, tokens: float, last: float, rate: float, now: float) -> tuple[float, bool]:
        tokens = min(rate, tokens + max(0.0, now - last) * rate)
        return (tokens - 1, True) if tokens >= 1 else (tokens, False)

    def allow(self, who: str, what: str) -> bool:
        rate, now = self.rates[what], self.clock()
        if self.path is not None:
            return self._allow_shared(who, what, rate, now)
        with self._lock:
            tokens, last = self._buckets.get((who, what), (rate, now))
            tokens, allowed = self._next(tokens, last, rate, now)
            self._buckets[(who, what)] = (tokens, now)
            if len(self._buckets) > 100_000:  # bounded: drop the full ones
                self._buckets = {k: v for k, v in self._buckets.items()
                                 if v[0] < self.rates[k[1]]}
            return allowed

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            assert self.path is not None
            private_folder(self.path.parent)  # never a folder another user made first
            db = sqlite3.connect(self.path, timeout=5, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS buckets (who TEXT NOT NULL, what TEXT NOT NULL,"
                       " tokens REAL NOT NULL, last REAL NOT NULL, PRIMARY KEY (who, what))")
            self._local.db = db
        return db

    def _allow_shared(self, who: str, what: str, rate: float, now: float) -> bool:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")  # one worker at a time reads and writes a bucket
        try:
            row = db.execute("SELECT tokens, last FROM buckets WHERE who = ? AND what = ?",
                             (who, what)).fetchone()
            tokens, allowed = self._next(*(row or (rate, now)), rate, now)
            db.execute("INSERT OR REPLACE INTO buckets VALUES (?, ?, ?, ?)",
                       (who, what, tokens, now))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return allowed


def _error(status: int, message: str, **more: Any) -> Response:
    resp = jsonify({"error": message, **more})
    resp.status_code = status
    return resp


def _given_twice(data: Any, items: Any) -> list[dict[str, str]]:
    """An error for each key the body gives twice in one object (the parser kept the last
    value silently): the record and the field, as a record's other errors say them."""
    errors = []
    outer = ("records",) if items is not data else ()
    for path in keys_given_twice(request.get_data(cache=True), data) if data is not None else ():
        rest = path[len(outer):] if path[:len(outer)] == outer else ()
        if not rest or isinstance(items, list) and len(rest) < 2:
            record, field = "request", path  # not in a record: `records` itself, say
        elif isinstance(items, list):
            record, field = f"record {rest[0] + 1}", rest[1:]
        else:
            record, field = "record 1", rest
        errors.append({"record": record, "field": field_path(field), "message": TWICE_MESSAGE})
    return errors


def _user() -> User:
    return g.api_user


def _campaign() -> str:
    svc = services()
    camp = svc.campaign(request.args.get("campaign"))
    if camp is None:
        abort(404, "no campaign in the store yet")
    return camp


#: Why a record naming no campaign is refused when the store holds none or several.
NO_API_CAMPAIGN = ("names no campaign, and the store holds {held}: give the record a "
                   "`campaign` field, or name one with ?campaign=NAME")


def _write_campaign() -> tuple[str | None, str]:
    """The campaign a record naming none goes to: ``?campaign=``, else the store's only one
    (as reads take it); ``None`` (with what the store holds, to say so) when it has none or
    several."""
    chosen = (request.args.get("campaign") or "").strip()
    if chosen:
        return chosen, ""
    held = services().campaigns()
    if len(held) == 1:
        return held[0], ""
    if "read" not in g.api_scopes:
        return None, "none or several campaigns"  # (their names are a read: GET /campaigns)
    return None, (f"several campaigns ({', '.join(held)})" if held else "no campaign yet")


#: The largest request body the server reads, in MB (``MAPPER_MAX_REQUEST_MB``): a token
#: holder cannot make a worker read a multi-GB body (a 500-record batch is well under 1 MB).
#: It covers the whole server, so it leaves room for the upload page's largest file (20 MB,
#: sent base64 inside a Dash callback: about 27 MB).
MAX_REQUEST_MB = 32.0


def max_request_bytes(env=os.environ) -> int:
    """``MAPPER_MAX_REQUEST_MB`` (default :data:`MAX_REQUEST_MB`) in bytes.

    >>> max_request_bytes({"MAPPER_MAX_REQUEST_MB": "0.5"})
    524288
    """
    raw = env.get("MAPPER_MAX_REQUEST_MB", "").strip()
    value = float(raw) if raw else MAX_REQUEST_MB
    if not 0 < value <= 1024:
        raise ValueError("MAPPER_MAX_REQUEST_MB must be a number of MB, more than 0, at most 1024")
    return int(value * 1024 * 1024)


def install_api(server: Flask, accounts: Accounts) -> None:
    """The blueprint on ``server`` (its routes skip the browser sign-in guard)."""
    limiter = RateLimiter.from_env()
    # For the whole server (Dash's callbacks too): Flask answers 413 beyond it.
    server.config["MAX_CONTENT_LENGTH"] = max_request_bytes()
    api = Blueprint(BLUEPRINT, __name__, url_prefix=PREFIX)

    @api.before_request
    def _token() -> Response | None:
        if request.endpoint == "api_v1.openapi_document":
            return None
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return _error(401, "send a personal access token: Authorization: Bearer <token>")
        token_id = token.split("_")[1] if token.count("_") >= 2 else ""
        row = accounts.tokens.live(token.strip())
        user = accounts.user(row.username if row is not None else None)
        if row is None or user is None:
            return _error(401, "this token is unknown, revoked, or its user is deactivated")
        what = "read" if request.method in ("GET", "HEAD") else "write"
        # Its scopes, here only: any token may ask whom it acts as and what it may do.
        if what not in row.scopes and request.endpoint != "api_v1.me":
            return _error(403, f"this token's scope is {' and '.join(row.scopes)} only: it may "
                          f"not {what}; a token made without a scope may do both")
        if not limiter.allow(token_id, what):
            resp = _error(429, f"too many {what}s for this token; slow down")
            resp.headers["Retry-After"] = "1"
            return resp
        g.api_user, g.api_scopes = user, row.scopes
        g.mapper_actor = user.username
        accounts.audit  # opened with the store: the writes below are audited
        return None

    @api.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        if exc.code == 413:
            return _error(413, f"the request is larger than {max_request_bytes() // 1024} KB; "
                          "send fewer records at a time")
        return _error(exc.code or 500, exc.description or exc.name)

    @api.get("/me")
    def me() -> Response:
        """The token's user: username, role, organizer name, and the campaigns she works on
        (none: every campaign, as ``mapper users list --json`` says it; an admin's always);
        and the token's scopes."""
        u = _user()
        return jsonify({"username": u.username, "role": u.role, "organizer": u.organizer,
                        "campaigns": [] if u.role == "admin" else list(u.campaigns),
                        "scopes": list(g.api_scopes)})

    @api.get("/campaigns")
    def campaigns() -> Response:
        """The campaigns the store holds."""
        return jsonify({"campaigns": services().campaigns()})

    @api.get("/questions/<name>")
    def question(name: str) -> Response:
        """An aggregate answer, as the dashboard shows it to this role."""
        if name not in QUESTIONS:
            abort(404, f"questions: one of {', '.join(QUESTIONS)}")
        camp = _campaign()
        options: dict[str, Any] = {}
        if name == "clusters" and request.args.get("min_anger"):
            # Each level is an answer kept in the store and computed again after every
            # write: only the six there are (a huge one was a 500).
            level = request.args["min_anger"].strip()
            if level not in {str(n) for n in range(6)}:
                abort(400, "min_anger: a whole number 0..5")
            options["min_anger"] = int(level)
        # With when it was computed: a whole-graph answer may be a kept one, minutes old
        # while the background refresher computes it again (as its page says).
        analytics = services().analytics
        found = analytics.answer(_ANALYTICS[name], campaign=camp, **options)
        answer = found.value
        if name == "power":
            # Who is named for what as of the last write (the store keeps it with each write),
            # as the page shows it; chains and trusted paths as kept.
            answer = {**answer, "issues": analytics.power_ranking(campaign=camp)["issues"]}
        return jsonify({"campaign": camp, "question": name,
                        "computed_at": found.as_of.isoformat(),
                        "answer": question_for(_user(), name, answer)})

    @api.get("/lists/<name>")
    def people_list(name: str) -> Response:
        """A list of people, exactly as its download gives it to this role."""
        if name not in LISTS:
            abort(404, f"lists: one of {', '.join(LISTS)}")
        filters = {k: request.args.get(k) or None for k in ("organizer", "unit", "issue",
                                                             "as_of")}
        sheet = list_sheet(name, _user(), request.args.get("campaign"), filters)
        accounts.record("list_exported", None, list=name, format="api",
                        campaign=sheet.campaign or None, rows=len(sheet.rows),
                        words=sheet.words)
        return jsonify({"campaign": sheet.campaign, "list": name,
                        "columns": [c for c, _ in sheet.columns],
                        "rows": [{c: r.get(c) for c, _ in sheet.columns} for r in sheet.rows]})

    @api.post("/records")
    def records() -> Response:
        """Records of any kind (``record_type``, default ``conversation``), validated as an
        import validates them; all are written or none. Re-sending one changes nothing."""
        if request.content_length is not None and request.content_length > max_request_bytes():
            abort(413)  # before reading a byte of it
        # A body sent in chunks (no length said) is read up to the limit only: one that
        # reaches it is refused, not parsed cut short.
        if len(request.get_data(cache=True)) >= max_request_bytes():
            abort(413)
        try:
            data = request.get_json(silent=True)
        except RecursionError:  # (silent covers a ValueError only): no record nests so deep
            abort(400, "the body is not JSON records can be read from: nested too deep")
        items = data.get("records") if isinstance(data, dict) and "records" in data else data
        twice = _given_twice(data, items)
        if twice:
            return _error(422, "nothing was written: some records are not valid", errors=twice)
        items = items if isinstance(items, list) else [items]
        if not items or len(items) > MAX_RECORDS:
            abort(400, f"send 1 to {MAX_RECORDS} records: a record, a list, or {{records: [...]}}")
        default, held = _write_campaign()
        checked, errors = [], []
        for i, item in enumerate(items, 1):
            kind = "conversation"
            if isinstance(item, dict) and "record_type" in item:
                item = dict(item)
                kind = str(item.pop("record_type"))
            if default is None and isinstance(item, dict) and not item.get("campaign"):
                # Never a silent "default" campaign: the store's one campaign, or say how.
                errors.append({"record": f"record {i}", "field": "campaign",
                               "message": NO_API_CAMPAIGN.format(held=held)})
                continue
            raw = RawRecord("request", i, kind, item, counted=True, number=i, tagged=True)
            record, errs = validate(raw, default)
            errors += [{"record": e.record, "field": e.field, "message": e.message} for e in errs]
            if record is not None:
                checked.append(record)
        if errors:
            return _error(422, "nothing was written: some records are not valid", errors=errors)
        try:
            result = post_records(services().store, _user(), checked)
        except NotAllowed as exc:
            return _error(403, str(exc))
        except ServiceError as exc:
            return _error(400, str(exc))
        if "read" in g.api_scopes:
            answer = {"added": result.added, "replaced": result.replaced,
                      "unchanged": result.unchanged}
            status = 201 if result.added else 200
        else:
            # Whether a record of that id was there, or the same, is a read ("replaced" for a
            # guessed id said who talked with whom, when): one answer for all of them.
            answer, status = {"recorded": len(checked)}, 201
        resp = jsonify(answer)
        resp.status_code = status
        return resp

    @api.get("/openapi.json")
    def openapi_document() -> Response:
        """This API, described for other tools (no token needed: it holds no data)."""
        return jsonify(openapi())

    server.register_blueprint(api)


def openapi() -> dict[str, Any]:
    """The OpenAPI 3.1 document of :func:`install_api`'s routes."""
    bearer = [{"token": []}]
    ok = {"description": "the answer"}
    errors = {"401": {"description": "no token, or a token unknown, revoked or deactivated"},
              "429": {"description": "too many requests for this token; retry after a second"}}
    unscoped = {"403": {"description": "the token's scopes do not cover this (a write-only "
                                       "token reading)"}}
    campaign = {"name": "campaign", "in": "query", "required": False,
                "schema": {"type": "string"},
                "description": "the campaign (default: the first the store holds)"}

    def enum(name: str, values: Any) -> dict[str, Any]:
        return {"name": name, "in": "path", "required": True,
                "schema": {"type": "string", "enum": list(values)}}

    return {
        "openapi": "3.1.0",
        "info": {"title": "Collective Mapper API", "version": "1",
                 "description": "Records in, role-filtered answers out; personal access "
                                "tokens (`mapper tokens create`)."},
        "components": {"securitySchemes": {"token": {
            "type": "http", "scheme": "bearer",
            "description": "A personal access token (`mapper tokens create USERNAME`). It acts "
                           "with its user's role, and may do only what its scopes say: `read` "
                           "(every GET but /me, which any token may ask) and `write` (POST "
                           "records); both unless made with --scope. Anything else: 403."}}},
        "security": bearer,
        "paths": {
            f"{PREFIX}/me": {"get": {"summary": "the token's user", "responses": {
                "200": {"description": "who the token acts as", "content": {
                    "application/json": {"schema": {"type": "object", "properties": {
                        "username": {"type": "string"},
                        "role": {"type": "string", "enum": list(ROLES)},
                        "organizer": {"type": ["string", "null"],
                                      "description": "the name her 1-on-1s are recorded under"},
                        "campaigns": {"type": "array", "items": {"type": "string"},
                                      "description": "the only campaigns she works on; "
                                                     "[] = every campaign"},
                        "scopes": {"type": "array",
                                   "items": {"type": "string", "enum": list(SCOPES)},
                                   "description": "what this token may do"}}}}}},
                **errors}}},
            f"{PREFIX}/campaigns": {"get": {"summary": "the campaigns",
                                            "responses": {"200": ok, **unscoped, **errors}}},
            f"{PREFIX}/questions/{{name}}": {"get": {
                "summary": "an aggregate answer, filtered by the token's role",
                "parameters": [enum("name", QUESTIONS), campaign,
                               {"name": "min_anger", "in": "query", "required": False,
                                "schema": {"type": "integer", "minimum": 0, "maximum": 5}}],
                "responses": {"200": {"description": "the answer, and `computed_at`: when it "
                                                     "was computed (ISO 8601, UTC; power's "
                                                     "`issues` are as of the last write)"},
                              **unscoped, **errors}}},
            f"{PREFIX}/lists/{{name}}": {"get": {
                "summary": "a list of people as its download gives it (not for viewers)",
                "parameters": [enum("name", LISTS), campaign] + [
                    {"name": n, "in": "query", "required": False, "schema": {"type": "string"}}
                    for n in ("organizer", "unit", "issue", "as_of")],
                "responses": {"200": ok, "403": {"description": "not for this role, or the "
                                                               "token's scopes lack `read`"},
                              **errors}}},
            f"{PREFIX}/records": {"post": {
                "summary": "write records of any kind (record_type), all or none",
                "parameters": [{**campaign, "description": (
                    "the campaign of records that name none (default: the store's only "
                    "campaign; with none or several, such a record is refused with 422)")}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}},
                              {"type": "object", "properties": {"records": {
                                  "type": "array", "items": {"type": "object"}}}}]}}}},
                "responses": {"200": {"description": "none added (each re-sent or replaced "
                                                     "one stored): `{added: 0, replaced, "
                                                     "unchanged}`"},
                              "201": {"description": (
                                  "some added: `{added, replaced, unchanged}`; to a token "
                                  "without `read` always 201 and `{recorded: N}`, whatever "
                                  "the store held (whether a record was there is a read)")},
                              "403": {"description": "the role may not write this record, "
                                                     "or the token's scopes lack `write`"},
                              "413": {"description": "the body is larger than the server "
                                                     "reads (MAPPER_MAX_REQUEST_MB, default 32)"},
                              "422": {"description": "not valid: the field of each error "
                                                     "(a record naming no campaign, when the "
                                                     "store holds none or several)"},
                              **errors}}},
            f"{PREFIX}/openapi.json": {"get": {"summary": "this document", "security": [],
                                               "responses": {"200": ok}}},
        },
    }
