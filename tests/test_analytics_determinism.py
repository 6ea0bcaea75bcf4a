"""Every answer is the same whatever order the data arrives in, run after run, process after process."""

import datetime as dt
import json
import os
import random
import subprocess
import sys

import pytest

from mapper.analytics import FUNCTIONS
from mapper.analytics.examples import example_snapshot, random_snapshot, shuffled
from mapper.models import OneOnOne, RosterRow, TieRow
from mapper.stores.sqlite import SQLiteStore

OPTIONS = {"follow_ups": {"today": dt.date(2026, 12, 1)}, "my_list": {"today": dt.date(2026, 12, 1)}}


def answers(snapshot) -> str:
    return json.dumps({name: f(snapshot, **OPTIONS.get(name, {}))
                       for name, f in FUNCTIONS.items()})


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_shuffled_input_gives_the_same_answers(seed: int) -> None:
    snapshot = random_snapshot(300, seed=seed)
    expected = answers(snapshot)
    for k in range(3):
        assert answers(shuffled(snapshot, seed=k)) == expected


def test_the_same_snapshot_gives_the_same_answers_twice() -> None:
    snapshot = random_snapshot(300, seed=5)
    assert answers(snapshot) == answers(snapshot)
    assert answers(example_snapshot()) == answers(shuffled(example_snapshot(), seed=9))


def records(seed: int) -> list:
    rng = random.Random(seed)
    units = ["ICU", "ER", "Med-Surg"]
    issues = ["short staffing", "mandatory overtime", "parking", "pay"]
    out: list = [RosterRow(name=f"Worker {i}", unit=units[i % 3], campaign="c") for i in range(40)]
    for i in range(40):
        out.append(TieRow(person=f"Worker {i}", other=f"Worker {(i * 7 + 3) % 40}", campaign="c"))
    for i in range(0, 40, 2):
        out.append(OneOnOne.model_validate({
            "date": f"2026-11-{1 + i % 20:02d}", "organizer": ["Maya", "Sam"][i % 2],
            "campaign": "c", "contact": {"name": f"Worker {i}"},
            "issues": [{"issue": issues[(i + j) % 4], "anger": (i + j) % 6} for j in range(2)],
            "ask": {"response": ["yes", "no", "maybe", None][i % 4]},
            "assessment": 1 + i % 5, "follow_up": {"thank_you_sent": i % 3 == 0}}))
    rng.shuffle(out)
    return out


def test_records_written_in_any_order_give_the_same_answers() -> None:
    results = []
    for seed in (1, 2):
        store = SQLiteStore(":memory:")
        store.write(records(seed))
        results.append(answers(store.snapshot("c")))
    assert results[0] == results[1]


def test_answers_do_not_depend_on_the_process_hash_seed() -> None:
    # Louvain and set iteration could follow PYTHONHASHSEED; they must not.
    script = ("import json, datetime as dt\n"
              "from mapper.analytics import FUNCTIONS\n"
              "from mapper.analytics.examples import random_snapshot\n"
              "s = random_snapshot(200, seed=3)\n"
              "print(json.dumps({n: f(s, **({'today': dt.date(2026, 12, 1)} "
              "if n in ('follow_ups', 'my_list') else {})) for n, f in FUNCTIONS.items()}))\n")
    outs = []
    for hash_seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        outs.append(subprocess.run([sys.executable, "-c", script], env=env, check=True,
                                   capture_output=True, text=True).stdout)
    assert outs[0] == outs[1] == outs[2]
    assert outs[0] == answers(random_snapshot(200, seed=3)) + "\n"


def test_the_community_seed_is_passed_through() -> None:
    from mapper.analytics import anger_clusters
    snapshot = random_snapshot(300, seed=4)
    assert anger_clusters(snapshot, seed=7) == anger_clusters(shuffled(snapshot, 1), seed=7)
