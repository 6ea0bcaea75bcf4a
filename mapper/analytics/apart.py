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
import re
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

import orjson

__all__ = ["ENV", "Job", "Apart", "ApartFailed", "enabled", "configured", "main"]

log = logging.getLogger(__name__)

#: Set to 1 to compute whole-graph answers in a child process; by default the worker computes
#: them. (Measured at a million people on the embedded store, benchmarks/RESULTS.md, "The
#: refresher in its own process": the largest worker held 6.2 GB where it held 8.7, but the
#: first visit took 347 s where it took 148, and writes met "database is locked" while two
#: workers' children wrote their answers. Not on by default until the answers a page reads
#: whole are read in pages.)
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


@dataclass
class _Wait:
    """A job asked for in this process: done (computed or not) and how it went."""

    holder: str | None = None  # the refresher's lease it runs under (a page's: None)
    lease: float | None = None
    done: threading.Event = field(default_factory=threading.Event)
    computed: bool = False
    error: Exception | None = None


def enabled(env: Any = None) -> bool:
    """Whether whole-graph answers go to a child process (``MAPPER_ANSWER_PROCESS=1``; by
    default they are computed in the worker).

    >>> enabled({}), enabled({"MAPPER_ANSWER_PROCESS": "1"}), enabled({"MAPPER_ANSWER_PROCESS": "0"})
    (False, True, False)
    """
    value = (os.environ if env is None else env).get(ENV, "").strip().lower()
    return value in ("1", "true", "yes")


def configured(db: str | None = None) -> "Apart | None":
    """The :class:`Apart` of a server on the store ``open_store(db)`` opens, or None when
    :func:`enabled` says no."""
    from mapper.bootstrap import store_file

    return Apart(store_file(db)) if enabled() else None


class Apart:
    """Computes answers in a child process on the store at ``db`` (an embedded file), or on
    the Neo4j the environment names (``db`` None: the child inherits the environment).

    One child at a time per process, and one snapshot for every answer waited for: the
    answers asked for while a child runs are computed together by the next one (pages
    arriving at once each read a snapshot of their own otherwise: at a million people a
    minute of both cores apiece), and an answer already asked for is waited for, not
    computed twice.
    """

    def __init__(self, db: str | None) -> None:
        self.db = None if db is None else os.path.abspath(db)
        self._gate = threading.Lock()  # one child at a time
        self._lock = threading.Lock()
        self._waiting: dict[Job, _Wait] = {}
        #: Children started, for tests and benchmarks.
        self.started = 0

    def run(self, jobs: list[Job], *, holder: str | None = None,
            lease: float | None = None) -> int:
        """Compute and store ``jobs`` in a child process, with any others asked for here
        meanwhile; how many of ``jobs`` were computed. With ``holder``, the child renews the
        refresher's lease (``lease`` seconds) after each answer, and stops when another
        process took it. Raises :class:`ApartFailed` when the child fails."""
        jobs = list(dict.fromkeys(jobs))
        waits = self._ask(jobs, holder, lease)
        self._wait_for(waits)
        if holder is None:
            # A page's answer a child under a refresher's lease did not reach (another process
            # took the lease; a page's own child never stops so): asked again, under none.
            again = {j: n for n, (j, w) in enumerate(zip(jobs, waits))
                     if not w.computed and w.error is None}
            if again:
                retried = self._ask(list(again), None, None)
                self._wait_for(retried)
                for n, wait in zip(again.values(), retried):
                    waits[n] = wait
        failed = next((w.error for w in waits if w.error is not None), None)
        if failed is not None:
            raise failed
        return sum(w.computed for w in waits)

    def _ask(self, jobs: list[Job], holder: str | None, lease: float | None) -> list[_Wait]:
        """The waits of ``jobs``: those asked for already here, shared (run under no lease
        once two callers with different ones share one), else new ones."""
        waits = []
        with self._lock:
            for job in jobs:
                wait = self._waiting.setdefault(job, _Wait(holder, lease))
                if (wait.holder, wait.lease) != (holder, lease):
                    wait.holder = wait.lease = None
                waits.append(wait)
        return waits

    def _wait_for(self, waits: list[_Wait]) -> None:
        """Wait until each of ``waits`` is done: by a child another caller started (its answer
        stored while that child goes on), or by one started here when none runs."""
        while not all(w.done.is_set() for w in waits):
            if not self._gate.acquire(timeout=0.1):
                continue
            try:
                with self._lock:
                    batch = {j: w for j, w in self._waiting.items() if not w.done.is_set()}
                if batch and not all(w.done.is_set() for w in waits):
                    # Under a refresher's lease only when every answer is the refresher's:
                    # a page's must not stop when another process takes the lease.
                    holders = {(w.holder, w.lease) for w in batch.values()}
                    self._child(batch, *(holders.pop() if len(holders) == 1 else (None, None)))
            finally:
                self._gate.release()

    def _child(self, batch: dict[Job, _Wait], holder: str | None, lease: float | None) -> None:
        """Run one child for ``batch``: each job's wait is done as soon as the child says it
        stored that answer (a page waits for its own, not the batch), the rest when it ends."""
        jobs = list(batch)
        request = orjson.dumps({"db": self.db, "jobs": [asdict(j) for j in jobs],
                                "holder": holder, "lease": lease})
        error: Exception | None = None
        child: subprocess.Popen | None = None

        def finish(n: int, computed: bool) -> None:
            wait = batch[jobs[n]]
            with self._lock:
                if wait.done.is_set():
                    return
                if self._waiting.get(jobs[n]) is wait:  # (not a later caller's)
                    del self._waiting[jobs[n]]
                wait.computed, wait.error = computed, None if computed else error
                wait.done.set()

        try:
            self.started += 1
            child = subprocess.Popen([sys.executable, "-m", "mapper.analytics.apart"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
            stderr: list[bytes] = []
            drain = threading.Thread(target=lambda: stderr.append(child.stderr.read()),
                                     daemon=True)
            drain.start()
            child.stdin.write(request)
            child.stdin.close()
            for line in child.stdout:  # {"done": n} as each is stored
                finish(int(orjson.loads(line)["done"]), True)
            code = child.wait()
            drain.join()
            if code != 0:
                error = ApartFailed(f"exit code {code}: {_type_named(b''.join(stderr))}")
        except Exception as exc:  # (could not start it, or its output was not ours)
            error = ApartFailed(type(exc).__name__)
            if child is not None and child.poll() is None:
                child.kill()
                child.wait()
        finally:
            for n in range(len(jobs)):
                finish(n, False)


def _type_named(stderr: bytes) -> str:
    r"""The type of the child's error: its last line when that is a type's name (main writes
    nothing else), else nothing of it (a crash's or a library's words may quote a value).

    >>> _type_named(b"OperationalError\n"), _type_named(b"KeyError: 'Ana Lopez'\n")
    ('OperationalError', 'an error of another kind')
    """
    last = (stderr.decode(errors="replace").strip().splitlines() or [""])[-1]
    return last if re.fullmatch(r"[A-Za-z_][\w.]{0,79}", last) else "an error of another kind"


def _orphaned(parent: int) -> None:
    """Exit when the process that started this one is gone (a worker restarted): nobody
    waits for the answers, and the next round computes them again."""
    import time

    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(3)


def main() -> int:
    """The child: compute the jobs on standard input, printing ``{"done": i}`` as the i-th
    is stored."""
    threading.Thread(target=_orphaned, args=(os.getppid(),), daemon=True).start()
    try:
        os.nice(10)  # pages come first, as the refresher thread's do
    except OSError:  # pragma: no cover - not allowed here
        pass
    store = None
    try:
        request = orjson.loads(sys.stdin.buffer.read())
        jobs = [Job(**j) for j in request["jobs"]]
        from mapper.analytics.cached import Analytics
        from mapper.analytics.stored import DERIVED, Refresher, run_jobs
        from mapper.analytics.texts import WithCampaignTexts
        from mapper.bootstrap import open_store

        if any(not j.kept and j.question not in DERIVED for j in jobs):
            import dashboard.tables  # noqa: F401  (the dashboard's lists register theirs)
        store = open_store(request["db"])
        analytics = Analytics(WithCampaignTexts(store), answers=store)
        holder = request.get("holder")
        # (The lease of the refresher whose round this is, renewed as its thread would.)
        hold = (Refresher(analytics, lease=request["lease"], holder=holder)._hold
                if holder is not None else lambda: True)

        def said(n: int) -> None:
            sys.stdout.write(orjson.dumps({"done": n}).decode() + "\n")
            sys.stdout.flush()

        # (A refresher's round goes on past an answer that fails; a page's own raises.)
        run_jobs(analytics, jobs, hold, done=said, keep_going=holder is not None)
    except BaseException as exc:  # (the type only: a message may quote a value)
        print(type(exc).__name__, file=sys.stderr)
        return 1
    finally:
        if store is not None:
            store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
