"""Dashboard users: who may sign in, with which role; a YAML or TOML users file's reader.

Users live in the store (:mod:`mapper.users`, ``mapper users``). A users file is a one-time
import (``mapper users import FILE``) that keeps its hashes (werkzeug scrypt, or Argon2)::

    users:
      - username: maya
        password_hash: "scrypt:32768:8:1$..."   # python -m dashboard.users hash
        role: organizer                          # admin | planner | organizer | viewer
        organizer: Maya Ortiz                    # the name she records 1-on-1s under
        campaigns: [st-lukes-nurses]             # optional: only these (none: every one)

TOML works the same way with ``[[users]]`` tables.
"""

from __future__ import annotations

import getpass
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from mapper import roles
from mapper.keys import normalize
from mapper.roles import ROLES
from mapper.users import (MIN_PASSWORD_LENGTH, UserError, campaign_list, password_problem,
                          verify_password)
from mapper.users import hash_password as _hash

__all__ = ["ROLES", "User", "load_users", "parse_users", "hash_password", "check_password",
           "password_problem", "MIN_PASSWORD_LENGTH"]

Role = Literal["admin", "planner", "organizer", "viewer"]


@dataclass(frozen=True, slots=True)
class User:
    """A signed-in person. ``organizer`` is the name their 1-on-1s are recorded under;
    ``campaigns`` the ones they work on (none: every campaign)."""

    username: str
    role: Role
    organizer: str | None = None
    password_hash: str = ""
    demo: bool = False
    campaigns: tuple[str, ...] = ()

    # --- what Flask-Login asks of a user ---------------------------------------------------
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.username

    # --- what the role allows ---------------------------------------------------------------
    @property
    def sees_people(self) -> bool:
        """May see lists of individual people (names); viewers see aggregates only."""
        return roles.sees_people(self)

    @property
    def may_record(self) -> bool:
        return roles.may_record(self)

    def holds(self, organizer_name: str | None) -> bool:
        """Whether a conversation held by ``organizer_name`` is this user's own."""
        if self.role == "admin":
            return True
        if self.role != "organizer" or not self.organizer or not organizer_name:
            return False
        return normalize(self.organizer) == normalize(organizer_name)

    def label(self) -> str:
        who = f" ({self.organizer})" if self.organizer else ""
        return f"{self.username}{who} · {self.role}"


def hash_password(password: str) -> str:
    """An Argon2id hash (:func:`mapper.users.hash_password`)."""
    return _hash(password)


def check_password(user: User, password: str) -> bool:
    """Whether ``password`` is the user's: Argon2 hashes, and werkzeug hashes from a users file."""
    return verify_password(user.password_hash, password)


def parse_users(data: Any, source: str = "users file") -> dict[str, User]:
    """Build users from parsed YAML/TOML; raise ``ValueError`` naming the entry that is wrong."""
    entries = data.get("users") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise ValueError(f"{source}: expected a list of users (a `users:` key)")
    users: dict[str, User] = {}
    for i, entry in enumerate(entries):
        where = f"{source}: users[{i}]"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: expected a mapping")
        username = str(entry.get("username") or "").strip()
        if not username:
            raise ValueError(f"{where}: username is required")
        role = str(entry.get("role") or "").strip().lower()
        if role not in ROLES:
            raise ValueError(f"{where} ({username}): role must be one of {', '.join(ROLES)}")
        pw = str(entry.get("password_hash") or "").strip()
        if not pw or "$" not in pw:
            raise ValueError(f"{where} ({username}): password_hash must be a werkzeug hash "
                             "(python -m dashboard.users hash)")
        organizer = entry.get("organizer")
        organizer = str(organizer).strip() if organizer else None
        if role == "organizer" and not organizer:
            raise ValueError(f"{where} ({username}): an organizer needs `organizer:` (their name)")
        if username in users:
            raise ValueError(f"{where}: username {username!r} appears twice")
        campaigns = entry.get("campaigns") or []
        try:
            if not isinstance(campaigns, list):
                raise UserError("campaigns: a list of campaign ids")
            campaigns = campaign_list(campaigns)
        except UserError as exc:
            raise ValueError(f"{where} ({username}): {exc}") from None
        users[username] = User(username, role, organizer, pw,  # type: ignore[arg-type]
                               campaigns=campaigns)
    return users


def load_users(path: str | Path) -> dict[str, User]:
    """Read a users file (``.yaml``/``.yml`` or ``.toml``)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".toml":
        data = tomllib.loads(text)
    else:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            # Its line, never PyYAML's message: that quotes the file's text (a password hash).
            mark = getattr(exc, "problem_mark", None)
            raise ValueError(f"{path}:{mark.line + 1 if mark else 1}: not valid YAML") from None
    return parse_users(data, str(path))



_USAGE = f"""usage: python -m dashboard.users hash

Reads a password (typed twice at a terminal, or one line on standard input) and prints its
hash for the users file (MAPPER_USERS). Passwords shorter than {MIN_PASSWORD_LENGTH} characters are refused.

example:  python -m dashboard.users hash"""


def _read_password() -> str | None:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        return None
    return first


def _main(argv: list[str]) -> int:
    if argv[:1] in (["-h"], ["--help"]) or argv[1:2] in (["-h"], ["--help"]):
        print(_USAGE)
        return 0
    if argv != ["hash"]:
        print(_USAGE, file=sys.stderr)
        return 2
    password = _read_password()
    if password is None:
        print("error: the two passwords differ; nothing printed", file=sys.stderr)
        return 1
    problem = password_problem(password)
    if problem:
        print(f"error: {problem}; use at least {MIN_PASSWORD_LENGTH} characters "
              "(a few unrelated words are easy to remember)", file=sys.stderr)
        return 1
    print(hash_password(password))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_main(sys.argv[1:]))
