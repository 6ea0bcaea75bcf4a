"""No chart offers to send itself off the machine: every dcc.Graph of every page is checked."""

from __future__ import annotations

import importlib
import json
import re
from importlib import resources
from pathlib import Path

import dash
import pytest
from dash import dcc
from flask_login import login_user

from dashboard.app import PAGE_MODULES, create_app
from dashboard.components import GRAPH_CONFIG
from dashboard.layout import frame
from dashboard.users import User
from mapper.stores.sqlite import SQLiteStore
from tests.records import small_campaign
from tests.test_dashboard_callbacks import ANA, every_view

DASHBOARD = Path(__file__).resolve().parents[1] / "dashboard"
ADMIN = User("root", "admin", None, "scrypt:1$x$y")
# What a config must say for the chart to offer no upload, no link, no logo to plotly.com.
REQUIRED = {"showSendToCloud": False, "showEditInChartStudio": False, "showLink": False,
            "sendData": False, "plotlyServerURL": "", "displaylogo": False}
REMOVED_BUTTONS = {"sendChartToCloud", "sendDataToCloud", "editInChartStudio"}


@pytest.fixture
def app(tmp_path):
    store = SQLiteStore(tmp_path / "store.db")
    store.write(small_campaign())
    app = create_app(lambda: store, users={})
    with app.server.test_request_context("/"):
        login_user(ADMIN)
        yield app
    store.close()


def _graphs_in(component) -> list[dcc.Graph]:
    found = [component] if isinstance(component, dcc.Graph) else []
    if isinstance(component, dash.development.base_component.Component):
        found += [c for _, c in component._traverse_with_paths() if isinstance(c, dcc.Graph)]
    return found


def _graphs_in_json(value) -> list[dict]:
    """Every Graph in a callback answer or layout as the browser receives it."""
    found = []
    if isinstance(value, dict):
        if value.get("type") == "Graph" and value.get("namespace") == "dash_core_components":
            found.append(value.get("props", {}))
        for v in value.values():
            found += _graphs_in_json(v)
    elif isinstance(value, list):
        for v in value:
            found += _graphs_in_json(v)
    return found


def _problems(config: dict | None) -> list[str]:
    config = config or {}
    wrong = [f"{k}={config.get(k, '(unset)')!r}" for k, v in REQUIRED.items() if config.get(k) != v]
    missing = REMOVED_BUTTONS - set(config.get("modeBarButtonsToRemove") or [])
    return wrong + [f"button {b} not removed" for b in sorted(missing)]


def test_every_graph_on_every_page_offers_no_cloud_share_or_link(app):
    pages = {name: importlib.import_module(f"dashboard.pages.{name}") for name in PAGE_MODULES}
    layouts = {name: (m.layout(key=ANA) if name == "person" else m.layout())
               for name, m in pages.items()}
    layouts["frame"] = frame()
    graphs = {f"{name}#{g.id}": g for name, tree in layouts.items() for g in _graphs_in(tree)}
    # The pages with charts: a walk that found none would pass for the wrong reason.
    assert {k.split("#")[0] for k in graphs} >= {"overview", "clusters", "power", "follow_ups"}
    bad = {k: _problems(getattr(g, "config", None)) for k, g in graphs.items()}
    assert {k: v for k, v in bad.items() if v} == {}


def test_no_callback_answer_carries_a_graph_that_offers_the_cloud(app):
    # every_view answers with the JSON text the browser gets, callbacks and layouts alike.
    for props in _graphs_in_json(json.loads(every_view(None))):
        assert _problems(props.get("config")) == [], props.get("id")


def test_no_module_of_the_dashboard_makes_a_graph_but_the_factory():
    makers = re.compile(r"\bdcc\.Graph\s*\(|from\s+dash(\.dcc)?\s+import[^\n]*\bGraph\b")
    offenders = [str(p.relative_to(DASHBOARD)) for p in DASHBOARD.rglob("*.py")
                 if p.name != "components.py" and makers.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_bundled_plotly_js_reads_the_keys_the_factory_sets():
    # If plotly.js renamed its cloud switch, the factory's keys would silently stop working.
    bundle = resources.files("plotly").joinpath("package_data", "plotly.min.js").read_text(
        encoding="utf-8")
    assert "showSendToCloud&&" in bundle and '"sendChartToCloud"' in bundle
    assert "showSendToCloud" in GRAPH_CONFIG and "sendChartToCloud" in GRAPH_CONFIG[
        "modeBarButtonsToRemove"]
