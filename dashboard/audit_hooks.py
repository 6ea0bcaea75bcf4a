"""What the audit trail learns from requests: person pages opened, lists exported; and
``/healthz``.

Both are read off the request after it succeeded, so no page or export code has to remember
to call the audit: the person page's callback (its output ``ids.PERSON_BODY``, its key in
``ids.PERSON_KEY``) and the download and print routes of :mod:`dashboard.exports`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, request

from dashboard import ids
from dashboard.accounts import Accounts, current_actor
from dashboard.services import Services

__all__ = ["install_audit_hooks", "install_health", "person_key_of_callback"]

_EXPORT_ENDPOINTS = {"mapper_download": "download", "mapper_print": "print"}


def person_key_of_callback(body: Any) -> str | None:
    """The person key a Dash callback request renders a person page for, else None."""
    if not isinstance(body, dict):
        return None
    outputs = body.get("outputs")
    outputs = outputs if isinstance(outputs, list) else [outputs]
    if not any(isinstance(o, dict) and o.get("id") == ids.PERSON_BODY for o in outputs):
        return None
    for item in (body.get("inputs") or []) + (body.get("state") or []):
        if isinstance(item, dict) and item.get("id") == ids.PERSON_KEY:
            value = item.get("value")
            return value if isinstance(value, str) and value.startswith("person:") else None
    return None


def install_audit_hooks(server: Flask, accounts: Accounts) -> None:
    @server.after_request
    def _audit(resp: Response) -> Response:
        if resp.status_code != 200 or current_actor() is None:
            return resp
        if request.endpoint in _EXPORT_ENDPOINTS:
            list_name = (request.view_args or {}).get("list_name", "")
            fmt = (request.view_args or {}).get("fmt", "print")
            accounts.record("list_exported", None, list=str(list_name)[:40],
                            format=str(fmt)[:10], campaign=str(request.args.get("campaign")
                                                               or "")[:40] or None)
        elif request.path == "/_dash-update-component" and request.method == "POST":
            key = person_key_of_callback(request.get_json(silent=True))
            if key is not None:
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
