"""Stored whole-graph answers (clusters, power, talk-next) on a campaign already in a store: a
new process's answer from the stored one, computing it fresh, and a background refresh.

CPU seconds (user + system) are the figures. Usage::

    python -m benchmarks.stored_answers --db /tmp/c100k-copy.db --campaign synthetic

The store is changed: answers are stored, and one 1-on-1 is written (and deleted at the end).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os

from benchmarks.readmodel import (TABLE_HEAD, add_store_arguments, new_process, open_store,
                                  row, timed)

__all__ = ["main"]

COMMANDS = (["clusters", "--json"], ["clusters"], ["power", "--json"], ["power"],
            ["talk-next", "--json"], ["talk-next", "--limit", "20"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_store_arguments(parser)
    args = parser.parse_args(argv)
    env = dict(os.environ, MAPPER_ANSWER_LAG="3600")  # the stale answer stays servable
    store, where, _ = open_store(args, env)
    camp = args.campaign
    print(TABLE_HEAD)

    for command in (["clusters", "--json"], ["power", "--json"], ["talk-next", "--json"]):
        cpu, wall, size = new_process([*command, "--fresh", "--campaign", camp, *where], env, 1)
        row(f"new process, computed and stored: `mapper {' '.join(command)} --fresh`", cpu, wall,
            f"{size:,} bytes out")
    for command in COMMANDS:
        cpu, wall, size = new_process([*command, "--campaign", camp, *where], env, args.repeat)
        row(f"new process, stored answer: `mapper {' '.join(command)}`", cpu, wall,
            f"{size:,} bytes out")

    # One new 1-on-1: the answers are stale; served as they are until refreshed.
    from mapper.analytics.cached import Analytics
    from mapper.analytics.stored import Refresher, is_part
    from mapper.analytics.texts import WithCampaignTexts
    from mapper.models import OneOnOne
    from mapper.projection import conversation_key
    import dashboard.tables  # noqa: F401  (registers the Talk-to-next list's rows)

    record = OneOnOne.model_validate({
        "id": "bench-stored-answers", "date": "2026-11-30", "organizer": "Bench Organizer",
        "campaign": camp, "contact": {"name": "Bench Stored Person", "unit": "Bench Unit"},
        "issues": [{"issue": "bench issue", "anger": 5}]})
    try:
        store.write([record])
        for command in (["clusters", "--json"], ["talk-next", "--limit", "20"]):
            cpu, wall, _ = new_process([*command, "--campaign", camp, *where], env, args.repeat)
            row(f"after a write, stale answer served: `mapper {' '.join(command)}`", cpu, wall)
        # What a dashboard's refresher does after the write: every stored answer again.
        analytics = Analytics(WithCampaignTexts(store), campaign=camp, answers=store)
        stale = sum(a.version != store.version() for a in store.answer_stamps(camp)
                    if not is_part(a.question))
        cpu, wall, done = timed(lambda: Refresher(analytics).run_once(), 1)
        row(f"background refresh of the {stale} stale answers (snapshot built once)", cpu, wall,
            f"{done} refreshed")
    finally:
        store.delete([conversation_key(camp, "bench-stored-answers")])
        store.close()
    print(f"\n{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()
