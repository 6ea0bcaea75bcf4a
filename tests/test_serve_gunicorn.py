"""`mapper serve` with 2 real gunicorn workers on one store: what one does, the other knows.

Every request goes on a new connection, so the kernel hands it to either worker; each answer
says which worker made it (``X-Mapper-Worker``), and a request is repeated until the worker
wanted answers it.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from mapper.stores.sqlite import SQLiteStore
from mapper.users import users_for
from tests.records import CAMPAIGN, conversation, small_campaign

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery staple"
COOKIE = "mapper_session"
TRIES = 400
#: How long a worker may take to answer at all: on a loaded machine the second worker can
#: still be starting while the first answers hundreds of requests (a CI run met that).
READY_SECONDS = 120


def _tries():
    """Tries, at least TRIES of them, until READY_SECONDS have passed; a pause between them
    leaves the other worker the CPU to start."""
    deadline = time.monotonic() + READY_SECONDS
    n = 0
    while n < TRIES or time.monotonic() < deadline:
        yield n
        n += 1
        if n >= TRIES:
            time.sleep(0.05)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def worker(self) -> str:
        return self.headers["x-mapper-worker"]

    def json(self):
        return json.loads(self.body)


class Server:
    def __init__(self, port: int, env: dict[str, str], db: Path) -> None:
        self.port, self.env, self.db = port, env, db

    def request(self, method: str, path: str, *, cookie: str | None = None,
                body: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            sent = dict(headers or {})
            if cookie:
                sent["Cookie"] = f"{COOKIE}={cookie}"
            conn.request(method, path, body=body, headers=sent)
            r = conn.getresponse()
            return Answer(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()

    def on(self, worker: str | None, method: str, path: str, *, other_than: bool = False,
           **kwargs) -> Answer:
        """The answer of ``worker`` (or of any other worker, ``other_than``)."""
        for _ in _tries():
            a = self.request(method, path, **kwargs)
            if worker is None or (a.worker != worker) == other_than:
                return a
        pytest.fail(f"no answer from the worker wanted in {READY_SECONDS} s")

    def workers(self) -> list[str]:
        seen: set[str] = set()
        for _ in _tries():
            seen.add(self.request("GET", "/healthz").worker)
            if len(seen) == 2:
                return sorted(seen)
        pytest.fail(f"only one worker answered in {READY_SECONDS} s")

    def sign_in(self, username: str, password: str = PASSWORD) -> tuple[Answer, str | None]:
        page = self.request("GET", "/login")
        cookie = re.search(rf"{COOKIE}=([^;]+)", page.headers["set-cookie"]).group(1)
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page.body).group(1).decode()
        form = urlencode({"username": username, "password": password, "csrf_token": token,
                          "next": "/"}).encode()
        a = self.request("POST", "/login", cookie=cookie, body=form,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        found = re.search(rf"{COOKIE}=([^;]+)", a.headers.get("set-cookie", ""))
        return a, found.group(1) if found else None

    def cli(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "mapper.cli", *args, "--db", str(self.db)],
                              input=stdin, capture_output=True, text=True, env=self.env,
                              cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("serve") / "team.db"
    store = SQLiteStore(db)
    store.write(small_campaign())
    users = users_for(store)
    users.add("root", "admin", PASSWORD)
    users.add("maya", "organizer", PASSWORD, organizer="Maya Ortiz")
    users.add("dev", "organizer", PASSWORD, organizer="Dev Patel")
    users.close()
    store.close()
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MAPPER_SECRET_KEY": "s" * 64,
           "MAPPER_WORKER_HEADER": "1"}
    env.pop("MAPPER_USERS", None)
    proc = subprocess.Popen([sys.executable, "-m", "mapper.cli", "serve", "--workers", "2",
                             "--port", str(port), "--db", str(db)], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    srv = Server(port, env, db)
    deadline = time.monotonic() + 90
    while True:
        try:
            if srv.request("GET", "/healthz").status == 200:
                break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"mapper serve did not start: {proc.stdout.read()}")
        time.sleep(0.3)
    yield srv
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_two_workers_answer(server):
    assert len(server.workers()) == 2


def test_a_record_posted_through_one_worker_is_in_the_other_workers_next_answer(server):
    made = server.cli("tokens", "create", "maya")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]
    auth = {"Authorization": f"Bearer {token}"}
    path = f"/api/v1/questions/overview?campaign={CAMPAIGN}"
    # Both workers have read (and cached) the answer before the write.
    before = {a.worker: a.json()["answer"]["counts"]["conversations"]
              for a in (server.on(w, "GET", path, headers=auth) for w in server.workers())}
    assert len(set(before.values())) == 1
    record = conversation("Una Post", "2026-11-26").model_dump(mode="json", exclude_none=True)
    posted = server.request("POST", "/api/v1/records", body=json.dumps(record).encode(),
                            headers={**auth, "Content-Type": "application/json"})
    assert posted.status == 201, posted.body
    other = server.on(posted.worker, "GET", path, other_than=True, headers=auth)
    assert other.json()["answer"]["counts"]["conversations"] == next(iter(before.values())) + 1


def test_signing_out_at_one_worker_ends_the_session_at_the_other(server):
    signed, cookie = server.sign_in("maya")
    assert signed.status == 302 and cookie
    for w in server.workers():
        assert server.on(w, "GET", "/_dash-layout", cookie=cookie).status == 200
    page = server.on(None, "GET", "/login", cookie=cookie)
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.body).group(1).decode()
    out = server.request("POST", "/logout", cookie=cookie,
                         body=urlencode({"csrf_token": token}).encode(),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert out.status == 302
    assert server.on(out.worker, "GET", "/_dash-layout", cookie=cookie,
                     other_than=True).status == 401


def test_deactivating_a_user_ends_her_sessions_at_every_worker(server):
    signed, cookie = server.sign_in("dev")
    assert signed.status == 302
    for w in server.workers():
        assert server.on(w, "GET", "/_dash-layout", cookie=cookie).status == 200
    done = server.cli("users", "disable", "dev")
    assert done.returncode == 0, done.stderr
    for w in server.workers():
        assert server.on(w, "GET", "/_dash-layout", cookie=cookie).status == 401
    assert server.sign_in("dev")[0].status == 401


def test_the_lockout_is_shared_by_the_workers(server):
    for _ in range(5):
        assert server.sign_in("root", "wrong password!")[0].status == 401
    for w in server.workers():
        # The right password, at each worker: refused without being checked.
        for _ in range(TRIES):
            answer, _cookie = server.sign_in("root")
            if answer.worker == w:
                break
        assert answer.worker == w and answer.status == 429
