"""``mapper serve``: the dashboard (and its JSON API) on gunicorn, several workers on one store.

Every worker opens the store itself after it starts (nothing is shared in memory), so what
one worker writes, the next request to any other reads: the analytics cache is keyed by the
store's version, which every write moves. Users, sessions, the sign-in lockout, tokens and
the audit trail live in the store too (see :mod:`mapper.users`).
"""

from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass
from typing import Any

from mapper.config import is_loopback

__all__ = ["ServeOptions", "check", "serve", "make_app", "wsgi_app", "SECRET_ENV",
           "WORKER_HEADER_ENV", "PROXY_ENV"]

SECRET_ENV = "MAPPER_SECRET_KEY"
#: When "1", every answer carries ``X-Mapper-Worker: <pid>`` (to see the load spread).
WORKER_HEADER_ENV = "MAPPER_WORKER_HEADER"
#: When "1", trust one reverse proxy's X-Forwarded-For/-Proto/-Host (Caddy, nginx).
PROXY_ENV = "MAPPER_BEHIND_PROXY"


@dataclass(frozen=True, slots=True)
class ServeOptions:
    db: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    threads: int = 4
    timeout: int = 120
    demo: bool = False
    behind_proxy: bool = False


def check(options: ServeOptions, env: dict[str, str] | None = None) -> list[str]:
    """Why the server may not start as asked (empty when it may).

    >>> check(ServeOptions(), {})
    ['MAPPER_SECRET_KEY is not set: every worker must sign cookies with the same secret key (e.g. `export MAPPER_SECRET_KEY=$(python3 -c "import secrets; print(secrets.token_hex(32))")`)']
    >>> check(ServeOptions(demo=True, host="0.0.0.0"), {})[0].startswith("demo mode")
    True
    >>> check(ServeOptions(), {"MAPPER_SECRET_KEY": "k" * 32})
    []
    >>> check(ServeOptions(), {"MAPPER_SECRET_KEY": "k" * 32, "MAPPER_ANSWER_MAX_LAG": "soon"})
    ['MAPPER_ANSWER_MAX_LAG must be a number of seconds, like 900']
    """
    env = os.environ if env is None else env
    problems = []
    if options.demo and not is_loopback(options.host):
        problems.append(f"demo mode signs every visitor in as an admin, so it only listens "
                        f"on this machine (127.0.0.1), not on {options.host}")
    key = env.get(SECRET_ENV, "")
    if not options.demo and not key:
        problems.append(f"{SECRET_ENV} is not set: every worker must sign cookies with the "
                        "same secret key (e.g. `export MAPPER_SECRET_KEY=$(python3 -c "
                        "\"import secrets; print(secrets.token_hex(32))\")`)")
    elif not options.demo and len(key) < 32:
        problems.append(f"{SECRET_ENV} is shorter than 32 characters")
    if options.workers < 1 or options.threads < 1:
        problems.append("--workers and --threads: at least 1")
    # Read by every worker at its first page: a bad value is said here, once, not per page.
    from mapper.analytics.stored import (BUSY_LAG_ENV, DEFAULT_BUSY_LAG, DEFAULT_LAG, LAG_ENV,
                                         _seconds)

    for name, default in ((LAG_ENV, DEFAULT_LAG), (BUSY_LAG_ENV, DEFAULT_BUSY_LAG)):
        try:
            _seconds(name, default, env)
        except ValueError as exc:
            problems.append(str(exc))
    return problems


def secure_cookies(options: ServeOptions) -> bool:
    """Whether cookies are sent over HTTPS only: off loopback, and behind a proxy (which
    terminates TLS while binding the app to 127.0.0.1, as the README's Caddy and nginx do).

    >>> secure_cookies(ServeOptions()), secure_cookies(ServeOptions(behind_proxy=True))
    (False, True)
    """
    return options.behind_proxy or not is_loopback(options.host)


def make_app(options: ServeOptions) -> Any:
    """The WSGI app of one worker (called in the worker, after the fork)."""
    from dashboard.app import DEMO_USER, create_app
    from mapper.analytics.apart import configured
    from mapper.bootstrap import open_store

    app = create_app(lambda: open_store(options.db), users={},
                     demo_user=DEMO_USER if options.demo else None,
                     apart=configured(options.db))
    server = app.server
    if os.environ.get(WORKER_HEADER_ENV) == "1":
        pid = str(os.getpid())

        @server.after_request
        def _worker(resp: Any) -> Any:
            resp.headers["X-Mapper-Worker"] = pid
            return resp
    if options.behind_proxy:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # The proxy's address is every client's otherwise: the sign-in lockout would count
        # everyone's failures together, and the same-origin check would see the proxy's host.
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=1, x_proto=1, x_host=1)
    if secure_cookies(options):
        # Also when this app is made outside serve() (wsgi_app under waitress).
        server.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    return server


def wsgi_app() -> Any:
    """The app for another WSGI server where gunicorn cannot run (e.g. on Windows:
    ``waitress-serve --call mapper.serve:wsgi_app``), on the store the environment names;
    ``MAPPER_BEHIND_PROXY=1`` trusts one reverse proxy. Refuses without a secret key."""
    problems = check(ServeOptions())
    if problems:
        raise RuntimeError("; ".join(problems))
    return make_app(ServeOptions(behind_proxy=os.environ.get(PROXY_ENV) == "1"))


def serve(options: ServeOptions) -> None:
    """Run gunicorn in the foreground until interrupted."""
    from gunicorn.app.base import BaseApplication

    if options.demo and not os.environ.get(SECRET_ENV):
        # One key for every worker of this demo run (the workers inherit the environment).
        os.environ[SECRET_ENV] = secrets.token_hex(32)
    if secure_cookies(options):
        os.environ["MAPPER_SECURE_COOKIES"] = "1"

    class _Gunicorn(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", [f"[{options.host}]:{options.port}" if ":" in options.host
                                  else f"{options.host}:{options.port}"])
            self.cfg.set("workers", options.workers)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", options.threads)
            self.cfg.set("timeout", options.timeout)
            # No access log: a person page's URL names the person.
            self.cfg.set("accesslog", None)
            self.cfg.set("errorlog", "-")
            self.cfg.set("proc_name", "mapper-serve")
            if options.behind_proxy:
                self.cfg.set("forwarded_allow_ips", "127.0.0.1,::1")

        def load(self) -> Any:
            return make_app(options)

    sys.argv = sys.argv[:1]  # gunicorn reads its own command line otherwise
    _Gunicorn().run()
