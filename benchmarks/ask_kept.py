"""`mapper ask-queue` from a new process long after its ranking was kept, and on a new day (issue
16 item 1: lists within 1 s from a new process).

A command asking for the ask queue past the lag bound, with no server ranking it again, and
the first command of a new day, ranked the campaign's contacts whole (17 s at a million people
on Neo4j). Both now start from a kept ranking while every score in it holds. Usage::

    python -m benchmarks.ask_kept --db /tmp/p100k.db --day 2026-09-10
    python -m benchmarks.ask_kept --neo4j bolt://127.0.0.1:7687 --day 2026-09-10 --server-pid N

The store is changed: its campaign's stored answers are dropped first (so no ranking is kept
for the days used), one 1-on-1 is written, and deleted again at the end (which drops them
again). Then its person's name is corrected (the 1-on-1 written again naming another) and
the command run right after and past the lag bound; then a second person angry about an issue
one person was (its points move) and the command past the lag bound. ``--old`` runs the same steps for code without these changes (no ``--fresh`` on
`mapper ask-queue`: the outputs are then not compared). CPU seconds are the child's alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from typing import Any

from benchmarks.readmodel import (_cpu, add_store_arguments, new_process, open_store,
                                  process_cpu, row, table_head)

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_store_arguments(parser)
    parser.add_argument("--day", default="2026-09-10",
                        help="the queue's day (ISO); the next day is the new day")
    parser.add_argument("--server-pid", type=int,
                        help="the Neo4j JVM's pid: its CPU meanwhile is reported beside")
    parser.add_argument("--old", action="store_true",
                        help="the code measured has no --fresh on ask-queue: compare nothing")
    args = parser.parse_args(argv)
    day = dt.date.fromisoformat(args.day)
    next_day = day + dt.timedelta(days=1)
    env = dict(os.environ, MAPPER_ANSWER_LAG="30")
    store, where, label = open_store(args, env)
    camp = args.campaign
    table_head(label, camp, f"day {day}")

    def server() -> float:
        return process_cpu(args.server_pid)

    def command(what: str, on: dt.date, repeat: int, *extra: str) -> None:
        jvm = server()
        cpu, wall, size = new_process(["ask-queue", "--limit", "20", "--json", "--today",
                                       on.isoformat(), "--campaign", camp, *where, *extra],
                                      env, repeat)
        jvm = (server() - jvm) / repeat
        row(what, cpu, wall, f"{size:,} bytes out; median of {repeat}"
            + (f"; JVM {jvm:.2f} s CPU a run (mean)" if args.server_pid else ""))

    def output(on: dt.date, *extra: str) -> bytes:
        return subprocess.run(
            [sys.executable, "-m", "mapper.cli", "ask-queue", "--limit", "20", "--json",
             "--today", on.isoformat(), "--campaign", camp, *where, *extra], env=env,
            check=True, capture_output=True).stdout

    from mapper.analytics.texts import read_texts
    from mapper.models import OneOnOne
    from mapper.projection import conversation_key

    def texts(ids: list[str]) -> Any:
        return read_texts(store, camp, ids)

    store.drop_answers(camp)
    c, w = _cpu(), time.perf_counter()
    store.kept_ask_ranking(camp, today=day, texts=texts, words="every", fresh=True)
    took = time.perf_counter() - w
    row(f"the ask ranking of {day} computed whole and kept (in process)", _cpu() - c, took)
    command("new process, the kept ranking of the last write", day, args.repeat)
    new = OneOnOne.model_validate({
        "id": "bench-ask-kept", "date": (day - dt.timedelta(days=2)).isoformat(),
        "organizer": "Aaa Bench Organizer", "campaign": camp,
        "contact": {"name": "Bench Person"}, "ask": {"response": "maybe"}, "assessment": 1,
        "plan": {"hope": 5, "wants_to_talk_again": True, "will_attend_meeting": True},
        "responsibility": {"realizes": {"cares_about_problem": True,
                                        "decision_maker_can_fix": True,
                                        "wont_fix_without_pressure": True}},
        "issues": [{"issue": "short staffing", "anger": 5}]})
    c, w = _cpu(), time.perf_counter()
    store.write([new])
    row("one new 1-on-1 written (in process)", _cpu() - c, time.perf_counter() - w)
    # Past the lag bound, and past as long as ranking took (kept that long, see
    # Store.kept_ask_ranking): what a command meets with no server ranking it again.
    time.sleep(max(30.0, took) + 1)
    command("new process past the lag bound after the write (1st)", day, 1)
    command("new process past the lag bound after the write", day, args.repeat)
    command(f"new process, a new day ({next_day}), none kept for it (1st)", next_day, 1)
    command(f"new process, the same new day again ({next_day})", next_day, args.repeat)
    if not args.old:
        kept_day, kept_next = output(day), output(next_day)
        ranking = store.kept_ask_ranking(camp, today=day, texts=texts, words="every")
        rank = next(n for n, (p, _, _) in enumerate(ranking.order, 1)
                    if p.endswith(":bench person"))
        command(f"`--fresh`: ranked whole now and kept ({day})", day, 1, "--fresh")
        same = output(day) == kept_day
        command(f"`--fresh` ({next_day})", next_day, 1, "--fresh")
        whole_next = output(next_day)
        row("outputs", 0, 0, f"the new 1-on-1's person ranked {rank:,} of {ranking.count:,}"
            f" (from the kept ranking, in process); past the bound, "
            f"the same bytes as ranked whole: {same}; the new day: the same entries but for "
            f"the suggested asks: {_but_asks(kept_next) == _but_asks(whole_next)}, the "
            f"suggested asks the same too: {kept_next == whole_next}")
    # Her name corrected: the same 1-on-1 written again naming another, so the first name's
    # row goes outright (on Neo4j, before it kept a stamp of such a row, a kept ranking
    # still held her within the lag bound, and was ranked whole past it).
    store.kept_ask_ranking(camp, today=day, texts=texts, words="every", fresh=True)
    c, w = _cpu(), time.perf_counter()
    store.write([new.model_copy(update={"contact": new.contact.model_copy(
        update={"name": "Bench Person Corrected"})})])
    row("her name corrected: the 1-on-1 written again (in process)", _cpu() - c,
        time.perf_counter() - w)
    command("new process right after the correction, within the lag bound", day, 1)
    young, held = output(day), [_holds_first_name(store, camp, day, texts)]
    time.sleep(max(30.0, took) + 1)
    command("new process past the lag bound after the correction (1st)", day, 1)
    past = output(day)
    held.append(_holds_first_name(store, camp, day, texts))
    same = ""
    if not args.old:
        output(day, "--fresh")  # (ranked whole now, and kept)
        fresh = output(day)
        same = (f"; the first 20 the same bytes as ranked whole: within the bound "
                f"{young == fresh}, past it {past == fresh}")
    row("outputs after the correction", 0, 0,
        f"the ranking read (in process) still holds the first name: within the bound "
        f"{held[0]}, past it {held[1]}" + same)
    # An issue's points moved: a second person angry about an issue one person was, whose
    # score moves with it (before, the campaign was ranked whole again past the lag bound).
    def angry(n: int) -> OneOnOne:
        return OneOnOne.model_validate({
            **new.model_dump(mode="json", exclude_none=True), "id": f"bench-ask-issue-{n}",
            "contact": {"name": f"Bench Angry {n}"},
            "issues": [{"issue": "bench night parking", "anger": 5}]})
    store.write([angry(1)])
    store.kept_ask_ranking(camp, today=day, texts=texts, words="every", fresh=True)
    c, w = _cpu(), time.perf_counter()
    store.write([angry(2)])
    row("a second person angry about an issue one was (in process)", _cpu() - c,
        time.perf_counter() - w)
    time.sleep(max(30.0, took) + 1)
    command("new process past the lag bound after it (1st)", day, 1)
    moved = output(day)
    if not args.old:
        output(day, "--fresh")
        row("outputs after the issue's points moved", 0, 0,
            f"the first 20 the same bytes as ranked whole: {moved == output(day)}")
    store.delete([conversation_key(camp, "bench-ask-kept"),
                  *(conversation_key(camp, f"bench-ask-issue-{n}") for n in (1, 2))])
    store.close()


def _holds_first_name(store: Any, camp: str, day: dt.date, texts: Any) -> bool:
    """Whether the ranking a page reads now still holds the person under her first name."""
    ranking = store.kept_ask_ranking(camp, today=day, texts=texts, words="every")
    return any(p.endswith(":bench person") for p, _, _ in ranking.order)


def _but_asks(out: bytes) -> list[dict]:
    """The entries printed, without their suggested asks (the shared actions counted for
    the day the ranking was made for)."""
    import json

    return [{k: v for k, v in e.items() if k != "suggested_ask"} for e in json.loads(out)]


if __name__ == "__main__":
    main()
