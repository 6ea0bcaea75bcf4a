"""Measuring: wall time, peak memory (this process and the Neo4j JVM), and the machine."""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

__all__ = ["PeakMemory", "Timing", "time_call", "repeat", "machine", "load_average", "cpu_seconds",
           "fmt_seconds", "fmt_bytes", "fmt_rate"]


class PeakMemory:
    """Samples the resident memory of some processes on a thread; keeps the peaks.

    ``pids`` maps a label ("python", "neo4j") to a process id. The peak of each process and
    the peak of their sum are kept. A sampling thread is the only portable way to see a
    child's (the JVM's) peak; for this process ``ru_maxrss`` would only give a whole-run
    high-water mark, never one phase's.

    >>> with PeakMemory({"python": os.getpid()}, interval=0.01) as peak:
    ...     block = bytearray(32 * 2**20)
    >>> peak.peaks["python"] >= 32 * 2**20
    True
    """

    def __init__(self, pids: dict[str, int | None], interval: float = 0.05) -> None:
        self.interval = interval
        self._procs: dict[str, psutil.Process] = {}
        for label, pid in pids.items():
            if pid is None:
                continue
            try:
                self._procs[label] = psutil.Process(pid)
            except psutil.Error:
                pass
        self.peaks: dict[str, int] = {label: 0 for label in self._procs}
        self.peak_total = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def sample(self) -> None:
        total = 0
        for label, proc in self._procs.items():
            try:
                rss = proc.memory_info().rss
            except psutil.Error:
                continue
            total += rss
            if rss > self.peaks[label]:
                self.peaks[label] = rss
        self.peak_total = max(self.peak_total, total)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> "PeakMemory":
        self.sample()
        self._thread = threading.Thread(target=self._run, name="peak-memory", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample()


@dataclass
class Timing:
    """Seconds of each repetition of one measured call."""

    runs: list[float] = field(default_factory=list)

    @property
    def first(self) -> float:
        return self.runs[0]

    @property
    def best(self) -> float:
        return min(self.runs)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


def time_call(func: Callable[[], Any]) -> tuple[float, Any]:
    """Run ``func()`` once; return (seconds, result)."""
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def repeat(func: Callable[[], Any], times: int) -> Timing:
    """Seconds of ``times`` calls of ``func()``."""
    timing = Timing()
    for _ in range(max(1, times)):
        seconds, _ = time_call(func)
        timing.runs.append(seconds)
    return timing


def cpu_seconds(pids: dict[str, int | None]) -> dict[str, float]:
    """User + system CPU seconds each process has used so far."""
    out: dict[str, float] = {}
    for label, pid in pids.items():
        if pid is None:
            continue
        try:
            t = psutil.Process(pid).cpu_times()
            out[label] = t.user + t.system
        except psutil.Error:
            pass
    return out


def load_average() -> tuple[float, float, float]:
    try:
        return os.getloadavg()
    except OSError:  # pragma: no cover - not on Linux
        return (0.0, 0.0, 0.0)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    vm = psutil.virtual_memory()
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory": vm.total,
        "memory_available": vm.available,
        "os": f"{platform.system()} {platform.release()}",
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "load_average": load_average(),
    }


def fmt_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 0.0001:
        return "<0.1 ms"
    if seconds < 0.9995:
        return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"
    if seconds < 120:
        return f"{seconds:.2f} s"
    return f"{seconds / 60:.1f} min"


def fmt_bytes(n: int | None) -> str:
    if not n:
        return "—"
    if n >= 2**30:
        return f"{n / 2**30:.2f} GiB"
    return f"{n / 2**20:.0f} MiB"


def fmt_rate(count: int | float, seconds: float | None) -> str:
    if not seconds:
        return "—"
    return f"{count / seconds:,.0f}/s"


def mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0
