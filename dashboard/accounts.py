"""Users, sessions, the audit trail and API tokens of one server process, all kept in the store.

Opened beside the store on first use (never at import) and shared by every request of the
process; every other process on the same store reads the same tables, so a user disabled,
a session ended or a sign-in failure counted in one is seen by all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app, g, has_request_context

from dashboard.users import User
from mapper.audit import AuditLog, audit_for, audit_writes
from mapper.roles import sees_campaign
from mapper.sessions import SessionStore
from mapper.tokens import TokenStore, tokens_for
from mapper.users import UserRow, UserStore, users_for

__all__ = ["Accounts", "accounts", "ACCOUNTS_EXTENSION", "as_user", "current_actor"]

ACCOUNTS_EXTENSION = "mapper_accounts"


def as_user(row: UserRow | None) -> User | None:
    """The dashboard user of a stored row, or None when there is none or it is disabled."""
    if row is None or not row.active:
        return None
    return User(row.username, row.role, row.organizer, row.password_hash,  # type: ignore[arg-type]
                campaigns=row.campaigns)


def current_actor() -> str | None:
    """The username acting in this request (signed in, or by an API token), else None."""
    if not has_request_context():
        return None
    return getattr(g, "mapper_actor", None)


class Accounts:
    """``users``, ``sessions``, ``audit`` and ``tokens`` beside ``store()``.

    ``seed`` users (a users file, or a test's users) are written into the store when it is
    first opened, replacing a user of the same name.
    """

    def __init__(self, store: Callable[[], Any], sessions: Callable[[Any], SessionStore],
                 seed: Iterable[UserRow] = ()) -> None:
        self._store, self._sessions_of = store, sessions
        self._seed = list(seed)
        self._lock = threading.Lock()
        self._opened: dict[str, Any] = {}

    def _open(self, name: str, make: Callable[[Any], Any]) -> Any:
        found = self._opened.get(name)
        if found is None:
            with self._lock:
                found = self._opened.get(name)
                if found is None:
                    found = make(self._store())
                    self._opened[name] = found
        return found

    @property
    def users(self) -> UserStore:
        def make(store: Any) -> UserStore:
            users = users_for(store)
            if self._seed:
                users.import_users(self._seed, replace_existing=True)
            return users
        return self._open("users", make)

    @property
    def sessions(self) -> SessionStore:
        return self._open("sessions", self._sessions_of)

    @property
    def audit(self) -> AuditLog:
        def make(store: Any) -> AuditLog:
            log = audit_for(store)
            # Every write and delete made through this process's store is audited, with the
            # user of the request that made it.
            audit_writes(store, log, current_actor)
            return log
        return self._open("audit", make)

    @property
    def tokens(self) -> TokenStore:
        return self._open("tokens", tokens_for)

    def user(self, username: str | None) -> User | None:
        """The active user of that name, as stored now."""
        if not username:
            return None
        return as_user(self.users.get(username))

    def record(self, action: str, target: str | None = None, *, actor: str | None = None,
               **detail: Any) -> None:
        """Append to the audit trail as the request's user (or ``actor``)."""
        self.audit.append(actor or current_actor() or "-", action, target, **detail)

    def organizers(self, campaign: str | None = None) -> list[str]:
        """The names the active organizer accounts record under: one made today, before her
        first 1-on-1 or contact, is in no record of the campaign yet. With ``campaign``, only
        those who work on it."""
        return [u.organizer for u in self.users.all()
                if u.role == "organizer" and u.active and u.organizer
                and (campaign is None or sees_campaign(u, campaign))]

    def close(self) -> None:
        for thing in self._opened.values():
            thing.close()
        self._opened.clear()


def accounts() -> Accounts:
    """The accounts of the app handling the current request."""
    return current_app.extensions[ACCOUNTS_EXTENSION]
