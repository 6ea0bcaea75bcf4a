"""Whole-graph answers computed in a child process, so a server's workers never hold a campaign.

A whole-graph answer reads the campaign's snapshot: at a million people, gigabytes of Python
objects for a minute. A gunicorn worker that computed one kept most of that memory after it
(the snapshot cached for the next answer, and an allocator that gives little back), and
every worker of ``mapper serve`` did (``benchmarks/RESULTS.md``, "A team under load at a
million people on Neo4j": 6.1 and 3.8 GB). With :class:`Apart`, the worker hands the
computation to a child (``python -m mapper.analytics.apart``) that opens the same store,
computes and stores the answers as the worker would (:func:`~mapper.analytics.stored.run_jobs`),
and exits, giving its memory back; the worker then reads the stored answer, as its other
workers do.

The child is told only which answers to compute (campaign, question, options) on its standard
input, and says only how many it computed, or the type of what went wrong: never a value.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from typing import Any

import orjson

__all__ = ["ENV", "Job", "Apart", "ApartFailed", "enabled", "configured", "main"]

log = logging.getLogger(__name__)

#: Set to 0 to compute whole-graph answers inside the server's workers (before this module).
ENV = "MAPPER_ANSWER_PROCESS"


@dataclass(frozen=True, slots=True)
class Job:
    """One answer to compute and store: its campaign, question and options (as
    :func:`~mapper.analytics.stored.options_key` writes them); ``kept``: a list's kept answer
    the store computes itself (:meth:`~mapper.stores.base.Store.refresh_kept_answer`)."""

    campaign: str
    question: str
    options: str
    kept: bool = False


class ApartFailed(RuntimeError):
    """The child process did not compute its answers (its exit code; the type of its error)."""


def enabled(env: Any = None) -> bool:
    """Whether whole-graph answers go to a child process (the default; ``MAPPER_ANSWER_PROCESS=0``
    keeps them in the worker).

    >>> enabled({}), enabled({"MAPPER_ANSWER_PROCESS": "0"})
    (True, False)
    """
    value = (os.environ if env is None else env).get(ENV, "").strip().lower()
    return value not in ("0", "false", "no")


def configured(db: str | None = None) -> "Apart | None":
    """The :class:`Apart` of a server on the store ``open_store(db)`` opens, or None when
    :func:`enabled` says no."""
    from mapper.bootstrap import store_file

    return Apart(store_file(db)) if enabled() else None


class Apart:
    """Computes answers in a child process on the store at ``db`` (an embedded file), or on
    the Neo4j the environment names (``db`` None: the child inherits the environment).

    One child at a time per process: two pages wanting two answers at once would otherwise
    read two snapshots side by side.
    """

    def __init__(self, db: str | None) -> None:
        self.db = None if db is None else os.path.abspath(db)
        self._gate = threading.Lock()
        #: Children started, for tests and benchmarks.
        self.started = 0

    def run(self, jobs: list[Job], *, holder: str | None = None,
            lease: float | None = None) -> int:
        """Compute and store ``jobs`` in a child process; how many it computed. With
        ``holder``, it renews the refresher's lease (``lease`` seconds) after each, and stops
        when another process took it. Raises :class:`ApartFailed` when the child fails."""
        if not jobs:
            return 0
        request = orjson.dumps({"db": self.db, "jobs": [asdict(j) for j in jobs],
                                "holder": holder, "lease": lease})
        with self._gate:
            self.started += 1
            done = subprocess.run([sys.executable, "-m", "mapper.analytics.apart"],
                                  input=request, capture_output=True, check=False)
        if done.returncode != 0:
            # Its last line is the type of its error (main writes nothing else).
            why = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no word"]
            raise ApartFailed(f"exit code {done.returncode}: {why[0][:80]}")
        return int(orjson.loads(done.stdout)["done"])


def _orphaned(parent: int) -> None:
    """Exit when the process that started this one is gone (a worker restarted): nobody
    waits for the answers, and the next round computes them again."""
    import time

    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(3)


def main() -> int:
    """The child: compute the jobs on standard input, print ``{"done": n}``."""
    import datetime as dt

    threading.Thread(target=_orphaned, args=(os.getppid(),), daemon=True).start()
    try:
        os.nice(10)  # pages come first, as the refresher thread's do
    except OSError:  # pragma: no cover - not allowed here
        pass
    store = None
    try:
        request = orjson.loads(sys.stdin.buffer.read())
        jobs = [Job(**j) for j in request["jobs"]]
        from mapper import clock
        from mapper.analytics.cached import Analytics
        from mapper.analytics.stored import DERIVED, LEASE, run_jobs
        from mapper.analytics.texts import WithCampaignTexts
        from mapper.bootstrap import open_store

        if any(not j.kept and j.question not in DERIVED for j in jobs):
            import dashboard.tables  # noqa: F401  (the dashboard's lists register theirs)
        store = open_store(request["db"])
        analytics = Analytics(WithCampaignTexts(store), answers=store)
        holder, lease = request.get("holder"), request.get("lease")

        def hold() -> bool:
            if holder is None:
                return True
            now = clock.now()
            return store.take_lease(LEASE, holder, now, now + dt.timedelta(seconds=lease))

        done = run_jobs(analytics, jobs, hold)
    except BaseException as exc:  # (the type only: a message may quote a value)
        print(type(exc).__name__, file=sys.stderr)
        return 1
    finally:
        if store is not None:
            store.close()
    sys.stdout.write(orjson.dumps({"done": done}).decode())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
