"""Build and run a throw-away real Neo4j server (Neo4j's Java test harness) for tests and benchmarks."""

from __future__ import annotations

import argparse
import atexit
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - non-POSIX systems
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "HARNESS_DIR",
    "Neo4jServer",
    "build_harness",
    "classpath",
    "free_port",
    "main",
]

HARNESS_DIR = Path(__file__).resolve().parents[2] / "tools" / "neo4j-harness"
MAIN_CLASS = "org.collectivemapper.harness.Main"
DEFAULT_HEAP = "1g"
DEFAULT_PAGECACHE = "256m"
STOP_GRACE_SECONDS = 30.0
LOG_TAIL_LINES = 40

# Neo4j's own launcher passes these on Java 17; without them some kernel paths log
# illegal-access warnings or fall back to slower code.
_JVM_FLAGS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    # A JVM that ran out of heap would otherwise hang half-alive and stall the test run.
    "-XX:+ExitOnOutOfMemoryError",
)


def _target() -> Path:
    return HARNESS_DIR / "target"


def _stamp() -> Path:
    # copy-dependencies leaves up-to-date jars untouched, so their mtimes cannot tell
    # whether a build is current; a stamp written after every successful build can.
    return _target() / "harness.stamp"


def classpath() -> str:
    """Java class path of the built launcher (classes plus every dependency jar)."""
    target = _target()
    return f"{target / 'classes'}{os.pathsep}{target / 'dependency' / '*'}"


def _is_built() -> bool:
    stamp = _stamp()
    main_class = _target() / "classes" / "org" / "collectivemapper" / "harness" / "Main.class"
    if not (stamp.is_file() and main_class.is_file() and any((_target() / "dependency").glob("*.jar"))):
        return False
    sources = [HARNESS_DIR / "pom.xml", *HARNESS_DIR.glob("src/main/java/**/*.java")]
    built_at = stamp.stat().st_mtime
    return all(source.stat().st_mtime <= built_at for source in sources)


@contextmanager
def _build_lock() -> Iterator[None]:
    # pytest-xdist workers may all ask for the build at once; only one may run Maven.
    _target().mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover
        yield
        return
    with open(_target() / ".build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_harness(force: bool = False) -> Path:
    """Build the Java launcher with Maven unless it is already up to date; return its folder."""
    if not force and _is_built():
        return HARNESS_DIR
    with _build_lock():
        if not force and _is_built():
            return HARNESS_DIR
        mvn = shutil.which("mvn")
        if mvn is None:
            raise RuntimeError("Maven ('mvn') is not on PATH; it is needed to build tools/neo4j-harness")
        command = [mvn, "-q", "-B", "-Dstyle.color=never", "package", "dependency:copy-dependencies"]
        result = subprocess.run(
            command,
            cwd=HARNESS_DIR,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        if result.returncode != 0:
            tail = "\n".join(result.stdout.splitlines()[-LOG_TAIL_LINES:])
            raise RuntimeError(
                f"building the Neo4j harness failed (exit {result.returncode}) in {HARNESS_DIR}:\n"
                f"$ {' '.join(command)}\n{tail}"
            )
        _stamp().write_text(classpath() + "\n")
    return HARNESS_DIR


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("no 'java' on PATH and no usable JAVA_HOME; Neo4j 5.26 needs Java 17 or 21")
    return java


def _tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return "".join(deque(handle, maxlen=lines))
    except OSError:
        return ""


class Neo4jServer:
    """A real Neo4j 5.26 server on ``bolt://127.0.0.1:PORT``, auth disabled, database ``neo4j``.

    Use as a context manager, or call :meth:`start` and :meth:`stop`. The store lives in a
    temporary folder that is deleted on stop. ``heap`` and ``pagecache`` take JVM/Neo4j sizes
    such as ``"1g"`` or ``"512m"``; they default to ``$NEO4J_HARNESS_HEAP`` (else 1g) and
    ``$NEO4J_HARNESS_PAGECACHE`` (else 256m).
    """

    def __init__(self, heap: str | None = None, pagecache: str | None = None) -> None:
        self.heap = heap or os.environ.get("NEO4J_HARNESS_HEAP") or DEFAULT_HEAP
        self.pagecache = pagecache or os.environ.get("NEO4J_HARNESS_PAGECACHE") or DEFAULT_PAGECACHE
        self.port: int | None = None
        self.uri: str | None = None
        self.startup_seconds: float | None = None
        self.log_path: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._workdir: Path | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def rss_bytes(self) -> int | None:
        """Resident memory of the Java process (Linux only), or None."""
        if not self.running:
            return None
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return None

    def start(self, timeout: float = 180) -> Neo4jServer:
        """Build if needed, spawn the server and wait until Bolt accepts connections."""
        if self.running:
            return self
        build_harness()
        self._workdir = Path(tempfile.mkdtemp(prefix="neo4j-harness-"))
        self.log_path = self._workdir / "launcher.log"
        self._log = open(self.log_path, "wb")
        self.port = free_port()
        command = [
            _java(),
            f"-Xmx{self.heap}",
            *_JVM_FLAGS,
            "-cp",
            classpath(),
            MAIN_CLASS,
            "--port",
            str(self.port),
            "--dir",
            str(self._workdir / "server"),
            "--pagecache",
            self.pagecache,
        ]
        started = time.monotonic()
        self._process = subprocess.Popen(
            command,
            cwd=self._workdir,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            # Own session: a terminal Ctrl-C reaches only Python, which then stops the server
            # in order; if Python dies instead, the closed stdin pipe still stops it.
            start_new_session=True,
        )
        atexit.register(self.stop)
        lines: queue.Queue[bytes] = queue.Queue()
        self._lines = lines  # (what the JVM prints after READY: its last words, should it die)
        # The launcher never writes to stdout after READY, but draining keeps it from
        # blocking should a library print there anyway.
        threading.Thread(target=self._pump, args=(self._process.stdout, lines), daemon=True).start()

        expected = f"READY bolt://127.0.0.1:{self.port}"
        deadline = started + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._fail(f"Neo4j did not report READY within {timeout:.0f} s")
            try:
                line = lines.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                if self._process.poll() is not None:
                    self._fail(f"the Neo4j launcher exited with code {self._process.returncode} before READY")
                continue
            if line.decode("utf-8", "replace").strip() == expected:
                break
            if not line:
                try:
                    self._process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
                self._fail(f"the Neo4j launcher exited with code {self._process.returncode} before READY")
        self.startup_seconds = time.monotonic() - started
        self.uri = f"bolt://127.0.0.1:{self.port}"
        return self

    @staticmethod
    def _pump(stream: IO[bytes], lines: queue.Queue[bytes]) -> None:
        for line in stream:
            lines.put(line)
        lines.put(b"")

    def exit_code(self) -> int | None:
        """The JVM's exit code once it has exited, else None."""
        return self._process.poll() if self._process is not None else None

    def last_words(self) -> str:
        """What a server that exited left to say, read before :meth:`stop` deletes its
        folder: what the JVM printed (``-XX:+ExitOnOutOfMemoryError`` says so on stdout), and
        the tails of the launcher's log and of the server's own logs."""
        printed = []
        while True:
            try:
                line = self._lines.get_nowait()
            except (AttributeError, queue.Empty):
                break
            printed.append(line.decode("utf-8", "replace"))
        parts = [f"--- JVM output ---\n{''.join(printed[-LOG_TAIL_LINES:])}"]
        if self.log_path:
            parts.append(f"--- launcher log (last {LOG_TAIL_LINES} lines) ---\n"
                         f"{_tail(self.log_path)}")
        for log in sorted(self._workdir.glob("server/**/*.log")) if self._workdir else ():
            parts.append(f"--- {log.name} (last {LOG_TAIL_LINES} lines) ---\n{_tail(log)}")
        return "\n".join(parts)

    def _fail(self, reason: str) -> None:
        command = " ".join(self._process.args) if self._process else ""
        # The server's own logs sit inside the store folder that stop() deletes: read first.
        words = self.last_words()
        self.stop()
        raise RuntimeError(f"{reason}\n$ {command}\n{words}")

    def stop(self) -> None:
        """Ask the server to shut down (stdin EOF), kill it after 30 s, delete its folder."""
        process, self._process = self._process, None
        atexit.unregister(self.stop)
        if process is not None:
            try:
                if process.stdin:
                    process.stdin.close()
            except OSError:
                pass
            try:
                process.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout:
                process.stdout.close()
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None
        self.uri = None

    def __enter__(self) -> Neo4jServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    """Run a server until Ctrl-C or SIGTERM, printing ``NEO4J_URI=...`` for scripts."""
    parser = argparse.ArgumentParser(prog="python -m mapper.testing.neo4j_server", description=main.__doc__)
    parser.add_argument("--heap", help=f"JVM max heap (default $NEO4J_HARNESS_HEAP or {DEFAULT_HEAP})")
    parser.add_argument(
        "--pagecache", help=f"Neo4j page cache (default $NEO4J_HARNESS_PAGECACHE or {DEFAULT_PAGECACHE})"
    )
    parser.add_argument("--timeout", type=float, default=180, help="seconds to wait for start-up")
    args = parser.parse_args(argv)

    build_harness()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with Neo4jServer(heap=args.heap, pagecache=args.pagecache) as server:
        print(f"NEO4J_URI={server.uri}")
        print(f"NEO4J_STARTUP_SECONDS={server.startup_seconds:.2f}", flush=True)
        rss = server.rss_bytes()
        rss_note = f", RSS {rss / 2**20:.0f} MiB" if rss else ""
        print(
            f"started in {server.startup_seconds:.2f} s (pid {server.pid}, heap {server.heap}, "
            f"pagecache {server.pagecache}{rss_note}); Ctrl-C to stop",
            file=sys.stderr,
            flush=True,
        )
        while not stop.wait(1.0):
            if not server.running:
                print(f"Neo4j exited unexpectedly (code {server.exit_code()}); "
                      f"{server.last_words()}", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
