"""One "supporters still needed" figure: the CLI, its JSON and the Overview page agree."""

from __future__ import annotations

import json
import re

import plotly.utils
import pytest
from flask_login import login_user
from typer.testing import CliRunner

from dashboard.app import create_app
from dashboard.pages import overview as overview_page
from dashboard.users import User, hash_password
from mapper.analytics.structure import still_needed, structure
from mapper.cli import DEMO_CAMPAIGN, _import, app, demo_files
from mapper.stores.sqlite import SQLiteStore

ADMIN = User("root", "admin", None, hash_password("correct horse battery staple"))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with SQLiteStore(path) as store:
        assert _import(store, demo_files(), None, None, False, None) == 0
    return path


def _cli(db, *args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--db", str(db)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_still_needed_is_the_shortfall_from_the_smallest_count_reaching_the_target():
    assert still_needed(5, 22, 2 / 3) == 10  # 2/3 of 22 is 14.67 -> 15
    assert still_needed(16, 22, 2 / 3) == 0
    assert still_needed(0, 3, 0.5001) == 2


def test_the_total_still_needed_adds_up_the_units(demo_db):
    with SQLiteStore(demo_db) as store:
        s = structure(store.snapshot(DEMO_CAMPAIGN))
    units, t = s["units"], s["totals"]
    assert t["supporters_needed"] == sum(u["supporters_needed"] for u in units)
    assert t["supporters_needed"] == t["supporters_needed_in_units"]
    assert t["target_supporters"] == sum(u["target_supporters"] for u in units)
    assert all(u["supporters_needed"] == still_needed(u["supporters"], u["headcount"], s["target"])
               for u in units)


def test_every_view_of_the_demo_shows_the_same_supporters_still_needed(demo_db):
    answer = json.loads(_cli(demo_db, "structure", "--json"))
    needed = answer["totals"]["supporters_needed"]
    # The demo was the case: 61 on the card, 60 in `mapper structure`, 63 over units.
    assert needed == sum(u["supporters_needed"] for u in answer["units"]) == 63

    total_row = next(line for line in _cli(demo_db, "structure").splitlines()
                     if "Total" in line)
    assert str(needed) in re.findall(r"\d+", total_row)

    store = SQLiteStore(demo_db)
    try:
        dash_app = create_app(lambda: store, users={"root": ADMIN})
        with dash_app.server.test_request_context("/_dash-update-component", method="POST"):
            login_user(ADMIN)
            cards, *_figs, structure_fig, _top, note = overview_page.update_overview(None, "2/3")
            default = overview_page.layout()
    finally:
        store.close()
    shown = json.dumps(cards, cls=plotly.utils.PlotlyJSONEncoder)
    assert f"{needed} more to target" in shown
    target_trace = next(t for t in structure_fig.data if t.name.startswith("target"))
    assert sum(target_trace.customdata) == needed
    # The page's default target is the CLI's two thirds exactly, not 0.6667.
    assert '"value": "2/3"' in json.dumps(default, cls=plotly.utils.PlotlyJSONEncoder)
