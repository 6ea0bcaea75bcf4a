"""After sign-in the browser goes only to a path on this server, whatever `next` says."""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit

import pytest

from dashboard.app import create_app
from dashboard.users import User, hash_password
from mapper.stores.sqlite import SQLiteStore

PASSWORD = "correct horse battery staple"
USERS = {"maya": User("maya", "organizer", "Maya Ortiz", hash_password(PASSWORD))}

HOSTILE = [
    "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "\\/evil.example",
    "/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/\r\nSet-Cookie: x=1",
    "https://evil.example", "http:evil.example", "http:/evil.example",
    "HTTPS://evil.example/", "javascript:alert(1)", "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>", "/./\\evil.example", "/.//evil.example",
    "/../evil.example", " //evil.example", "\t//evil.example", "\x00//evil.example",
    "/\x00/evil.example", "/\u3000/evil.example", "/\u2028/evil.example", "/\ufeff/evil.example",
    "//evil.example@localhost", "evil.example", "?next=//evil.example",
    "#//evil.example", "", "/" * 5000, "/login?next=//evil.example\n",
]


@pytest.fixture
def client(tmp_path):
    store = SQLiteStore(tmp_path / "store.db")
    yield create_app(lambda: store, users=USERS).server.test_client()
    store.close()


def _resolved(location: str) -> tuple[str, str]:
    # As a browser reads a Location: tabs and newlines dropped, "\" taken for "/".
    cleaned = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    parts = urlsplit(urljoin("http://localhost/login", cleaned))
    return parts.scheme, parts.netloc


def _assert_same_origin_path(location: str) -> None:
    assert location.startswith("/") and not location.startswith("//"), location
    assert "\\" not in location and not re.search(r"[\x00-\x1f\x7f]", location), location
    assert _resolved(location) == ("http", "localhost"), location


def _sign_in(client, next_: str):
    page = client.get("/login?next=" + quote(next_, safe=""))
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    hidden = re.search(r'name="next" value="([^"]*)"', page.get_data(as_text=True)).group(1)
    return hidden, client.post("/login", data={"username": "maya", "password": PASSWORD,
                                               "csrf_token": token, "next": next_})


@pytest.mark.parametrize("next_", HOSTILE, ids=[repr(h)[:40] for h in HOSTILE])
def test_a_hostile_next_sends_the_signed_in_user_to_a_path_on_this_server(client, next_):
    hidden, answer = _sign_in(client, next_)
    assert answer.status_code == 302
    _assert_same_origin_path(answer.headers["Location"])
    assert answer.headers["Location"] == "/"
    assert "evil" not in hidden


@pytest.mark.parametrize("next_", ["/", "/person?key=person%3Acampaign%3Aana%20lopez", "/ready",
                                   "/power?x=1&y=//z", "/%2F%2Fevil.example", "/@evil.example",
                                   "/%0d%0aSet-Cookie:x", "/%09/evil.example"])
def test_a_path_on_this_server_is_kept(client, next_):
    hidden, answer = _sign_in(client, next_)
    assert answer.headers["Location"] == next_
    _assert_same_origin_path(answer.headers["Location"])


@pytest.mark.parametrize("path", ["/%0d%0aSet-Cookie:x", "//evil.example", "/\\evil.example",
                                  "/%09/evil.example", "/x?next=%0a"])
def test_a_request_before_sign_in_is_sent_to_sign_in_on_this_server(client, path):
    answer = client.get(path)
    assert answer.status_code in (302, 401, 404)
    if answer.status_code == 302:
        _assert_same_origin_path(answer.headers["Location"])
        assert answer.headers["Location"].startswith("/login")
