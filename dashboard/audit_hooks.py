"""What the audit trail learns from requests: person pages opened, lists exported; and
``/healthz``.

Both are written after the request succeeded: the download and print routes of
:mod:`dashboard.exports` are read off the request; the person page's callback says whom it
showed (:func:`note_person_viewed`), since the ids a callback request gives its inputs and
outputs are the sender's to choose and Dash does not check them.
"""

from __future__ import annotations

from flask import Flask, Response, g, has_request_context, jsonify, request

from dashboard.accounts import Accounts, current_actor
from dashboard.services import Services

__all__ = ["install_audit_hooks", "install_health", "note_person_viewed"]

_EXPORT_ENDPOINTS = {"mapper_download": "download", "mapper_print": "print"}
_VIEWED = "mapper_person_viewed"


def note_person_viewed(key: str) -> None:
    """Audit that this request showed the person ``key``'s page (once it has succeeded)."""
    if has_request_context():
        setattr(g, _VIEWED, key)


def install_audit_hooks(server: Flask, accounts: Accounts) -> None:
    @server.after_request
    def _audit(resp: Response) -> Response:
        if resp.status_code != 200 or current_actor() is None:
            return resp
        if request.endpoint in _EXPORT_ENDPOINTS:
            list_name = (request.view_args or {}).get("list_name", "")
            fmt = (request.view_args or {}).get("fmt", "print")
            exported = g.get("mapper_exported") or {}
            accounts.record("list_exported", None, list=str(list_name)[:40],
                            format=str(fmt)[:10], campaign=exported.get("campaign"),
                            rows=exported.get("rows"), words=exported.get("words"))
        elif (key := g.get(_VIEWED)) is not None:
            accounts.record("person_viewed", accounts.audit.opaque(key))
        return resp


def install_health(server: Flask, services: Services) -> None:
    """``GET /healthz``: 200 when this process can read its store, 503 when not; says nothing
    else (no counts, no names), so a load balancer or a monitor may call it unauthenticated."""

    def healthz() -> tuple[Response, int]:
        try:
            services.store.version()
        except Exception:  # noqa: BLE001 - any failure to read the store is "not healthy"
            return jsonify({"status": "unavailable"}), 503
        return jsonify({"status": "ok"}), 200

    server.add_url_rule("/healthz", "mapper_healthz", healthz)
