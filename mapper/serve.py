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
           "WORKER_HEADER_ENV", "PROXY_ENV", "proxies_from_env"]

SECRET_ENV = "MAPPER_SECRET_KEY"
#: When "1", every answer carries ``X-Mapper-Worker: <pid>`` (to see the load spread).
WORKER_HEADER_ENV = "MAPPER_WORKER_HEADER"
#: How many reverse proxies to trust (Caddy, nginx; a CDN before it is a second): "1" trusts
#: one's X-Forwarded-For/-Proto/-Host. Unset or "0": none.
PROXY_ENV = "MAPPER_BEHIND_PROXY"


def proxies_from_env(env: Any = os.environ) -> int:
    """How many proxies :data:`PROXY_ENV` says to trust.

    >>> proxies_from_env({}), proxies_from_env({"MAPPER_BEHIND_PROXY": "2"})
    (0, 2)
    """
    raw = env.get(PROXY_ENV, "").strip() or "0"
    if not raw.isdigit() or int(raw) > 10:
        raise ValueError(f"{PROXY_ENV} must be how many reverse proxies to trust: 0 to 10")
    return int(raw)


@dataclass(frozen=True, slots=True)
class ServeOptions:
    db: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    threads: int = 4
    timeout: int = 120
    demo: bool = False
    #: How many reverse proxies are in front (0: none), each appending to X-Forwarded-For.
    behind_proxy: int = 0


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
    return bool(options.behind_proxy) or not is_loopback(options.host)


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
        # Each proxy appends the address it was reached from: the Nth from the end is the
        # client's, and what a client wrote before it is not believed. Scheme and host are
        # the nearest proxy's.
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=int(options.behind_proxy),
                                   x_proto=1, x_host=1)
    if secure_cookies(options):
        # Also when this app is made outside serve() (wsgi_app under waitress).
        server.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    return server


def wsgi_app() -> Any:
    """The app for another WSGI server where gunicorn cannot run (e.g. on Windows:
    ``waitress-serve --call mapper.serve:wsgi_app``), on the store the environment names;
    ``MAPPER_BEHIND_PROXY=1`` trusts one reverse proxy (``2``, two). Refuses without a secret
    key."""
    from mapper.bootstrap import store_file
    from mapper.stores.sqlite_file import read_only

    problems = check(ServeOptions())
    path = store_file()
    if path is not None and read_only(path):
        # (As `mapper serve` refuses it: every sign-in writes its session to the file.)
        problems.append(f"the store file cannot be written here (read-only) (embedded file "
                        f"{path}): the dashboard keeps sign-ins and sessions in it; serve a "
                        "copy it can write")
    if problems:
        raise RuntimeError("; ".join(problems))
    return make_app(ServeOptions(behind_proxy=proxies_from_env()))


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
