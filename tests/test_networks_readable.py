"""Readable networks (#12, item 3): honest bridging, named clusters, a stable layout, 12 px
labels, and a "Who can fix it" card that follows the issue selector."""

from __future__ import annotations

import itertools
import json

import plotly.utils
import pytest
from flask_login import login_user
from typer.testing import CliRunner

from dashboard import figures
from dashboard.app import create_app
from dashboard.pages import clusters as clusters_page
from dashboard.pages import power as power_page
from dashboard.users import User, hash_password
from mapper.analytics.clusters import anger_clusters
from mapper.cli import _import, app, demo_files
from mapper.stores.sqlite import SQLiteStore
from tests.test_analytics_clusters import six_units

ADMIN = User("root", "admin", None, hash_password("correct horse battery staple"))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with SQLiteStore(path) as store:
        assert _import(store, demo_files(), None, None, False, None) == 0
    return path


@pytest.fixture
def demo_app(demo_db):
    store = SQLiteStore(demo_db)
    dash_app = create_app(lambda: store, users={"root": ADMIN})
    with dash_app.server.test_request_context("/_dash-update-component", method="POST"):
        login_user(ADMIN)
        yield store
    store.close()


def _json(value) -> str:
    return json.dumps(value, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def test_the_demo_no_longer_calls_every_issue_bridging(demo_db):
    result = CliRunner().invoke(app, ["clusters", "--json", "--db", str(demo_db)])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    issues = [i for c in answer["clusters"] for i in c["issues"]]
    assert len(issues) == 10
    need = answer["bridging_units"]
    assert need == max(2, -(-answer["units_angry"] // 3))
    bridging = {b["name"] for b in answer["bridging"]}
    # Before #12 all ten were listed, including workplace violence, found in a single unit.
    assert 0 < len(bridging) < 10
    assert "workplace violence" not in bridging
    for b in answer["bridging"]:
        assert sum(u["unit"] != "(no unit)" for u in b["units"]) >= need
    # The flag on each issue and the bridging list are the same definition.
    assert {i["name"] for i in issues if i["bridging"]} == bridging


def test_the_thick_outline_is_drawn_only_on_bridging_issues():
    result = anger_clusters(six_units().snapshot())
    elements, _ = figures.cluster_elements(result)
    outlined = {e["data"]["label"] for e in elements if e.get("classes") == "bridging"}
    assert outlined == {"short staffing", "breaks"}
    sheet = {r["selector"]: r["style"] for r in figures.cluster_stylesheet()}
    assert sheet["node.bridging"]["border-width"] > sheet["node"]["border-width"]


def test_the_cluster_layout_is_the_same_on_every_load():
    result = anger_clusters(six_units().snapshot())
    first, layout = figures.cluster_elements(result)
    again, _ = figures.cluster_elements(anger_clusters(six_units().snapshot()))
    assert layout["name"] == "preset"  # no browser force layout starting from random places
    nodes = [e for e in first if "position" in e]
    assert len(nodes) == 4
    assert [(e["data"]["id"], e["position"]) for e in nodes] == \
        [(e["data"]["id"], e["position"]) for e in again if "position" in e]
    assert len({(e["position"]["x"], e["position"]["y"]) for e in nodes}) == 4


def test_clusters_are_named_with_a_colour_legend(demo_app):
    elements, _layout, legend, table, bridges, _heat = clusters_page.update_clusters(None, "3")
    shown = _json(legend)
    assert "short staffing · mandatory overtime" in shown
    assert "bridging: angry people in" in shown
    colours = {e["data"]["cluster"]: e["data"]["color"] for e in elements if "cluster" in e["data"]}
    for cid, colour in colours.items():
        assert colour in shown
    # Tables name clusters by their issues, not 0/1/2.
    assert "short staffing · mandatory overtime" in _json(table)
    assert '"Cluster"' in _json(table) and '"#"' not in _json(table)


def test_network_labels_are_at_least_12_px():
    for sheet in (figures.cluster_stylesheet(), figures.power_stylesheet()):
        sizes = [r["style"]["font-size"] for r in sheet if "font-size" in r["style"]]
        assert sizes and min(sizes) >= 12
        # Every rule that shows a label sets its size.
        assert all("font-size" in r["style"] for r in sheet if "label" in r["style"])


def test_who_can_fix_it_follows_the_issue_selector(demo_app):
    _e, _l, ranking, _paths, options = power_page.update_power(None, None)
    assert ranking.layout.title.text == "All issues"
    assert ranking.layout.xaxis.title.text == "times named, all issues"
    for option in options[:3]:
        _e, _l, ranking, _paths, _o = power_page.update_power(None, option["value"])
        name = option["label"].rsplit(" (", 1)[0]
        assert ranking.layout.title.text == figures.plot_text(name)


def test_thirty_issues_do_not_overlap_and_leave_room_for_labels():
    import itertools
    import math

    from mapper.analytics.examples import random_snapshot

    result = anger_clusters(random_snapshot(600, issues=30, units=12))
    elements, _ = figures.cluster_elements(result)
    nodes = [e for e in elements if "position" in e]
    assert len(nodes) >= 25
    for a, b in itertools.combinations(nodes, 2):
        gap = math.dist((a["position"]["x"], a["position"]["y"]),
                        (b["position"]["x"], b["position"]["y"]))
        assert gap >= (a["data"]["size"] + b["data"]["size"]) / 2 + 30


def test_the_power_map_is_a_top_down_hierarchy_laid_out_on_the_server():
    from mapper.analytics.examples import random_snapshot
    from mapper.analytics.power import power_map, power_ranking

    snap = random_snapshot(1500, issues=30, units=12)
    power, ranking = power_map(snap), power_ranking(snap, first=figures.ISSUE_DMS)
    elements, layout = figures.power_elements(power, ranking)
    again, _ = figures.power_elements(power, ranking)
    assert layout["name"] == "preset" and elements == again
    assert layout["fit"] is False and layout["zoom"] == 1  # labels keep their 12 px
    nodes = {e["data"]["id"]: e for e in elements if "position" in e}
    dms = [n for n in nodes.values() if n["data"]["kind"] == "decision_maker"]
    issues = [n for n in nodes.values() if n["data"]["kind"] == "issue"]
    # The default shows the most named decision makers and their chains, not a tangle.
    named = [n for n in dms if any(e["data"]["target"] == n["data"]["id"]
                                   for e in elements if e.get("classes") == "names")]
    assert 0 < len(named) <= 8 and 0 < len(issues) <= 12
    # Whom one answers to is drawn above them; issues hang below every decision maker.
    for e in elements:
        if e.get("classes") == "reports":
            boss, report = nodes[e["data"]["target"]], nodes[e["data"]["source"]]
            assert boss["position"]["y"] < report["position"]["y"]
    assert min(i["position"]["y"] for i in issues) > max(d["position"]["y"] for d in dms)
    # Boxes on one row never overlap.
    for a, b in itertools.combinations(dms, 2):
        if a["position"]["y"] == b["position"]["y"]:
            apart = abs(a["position"]["x"] - b["position"]["x"])
            assert apart >= (a["data"]["w"] + b["data"]["w"]) / 2
