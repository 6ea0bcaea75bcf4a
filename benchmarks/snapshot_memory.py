"""Where a whole-graph question's peak RSS comes from: the snapshot, the question, its JSON.

Run on a copy of an embedded store (the answer is not stored; the file is only read)::

    python -m benchmarks.snapshot_memory /tmp/copy.db synthetic talk_next

Each line is one step: the RSS after it and the peak within it (the kernel's high-water mark,
reset between steps through ``/proc/self/clear_refs``; Linux only), and the CPU seconds so far.
The whole command's figure is ``/usr/bin/time -v mapper talk-next --json --fresh ...``.
"""

from __future__ import annotations

import sys
import time

__all__ = ["main"]


def _rss() -> tuple[int, int]:
    found = {}
    with open("/proc/self/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found[name] = int(value.split()[0]) // 1024
    return found["VmRSS"], found["VmHWM"]


def _step(name: str, start: float) -> None:
    now, peak = _rss()
    print(f"{name:24s} RSS {now:6,d} MiB  peak within {peak:6,d} MiB  "
          f"CPU {time.process_time() - start:6.1f} s", flush=True)
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # the high-water mark starts again from the RSS now


def main(argv: list[str]) -> None:
    db, campaign, question = argv
    start = time.process_time()
    import orjson

    from mapper import analytics
    from mapper.snapshot import gc_paused
    from mapper.stores.sqlite import SQLiteStore

    store = SQLiteStore(db)
    _step("imports, store open", start)
    with gc_paused():  # as the command line computes
        snap = store.snapshot(campaign)
        _step("snapshot", start)
        result = getattr(analytics, question)(snap)
        _step(question, start)
        del snap
        data = orjson.dumps(result, option=orjson.OPT_NON_STR_KEYS)
        _step(f"JSON ({len(data) >> 20:,d} MiB)", start)


if __name__ == "__main__":
    main(sys.argv[1:])
