"""The graph holds no one's words: personal text stays in the records, read from there to be shown."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j import GraphDatabase
from typer.testing import CliRunner

from dashboard.app import create_app
from dashboard.listing import grid_rows
from dashboard.tables import ready_rows
from mapper.analytics import Analytics
from mapper.analytics.texts import WithCampaignTexts
from mapper.cli import app, demo_files
from mapper.importer import import_files
from mapper.privacy import PERSONAL_FIELDS, redact_record
from mapper.stores.base import Store
from mapper.stores.sqlite import SQLiteStore
from tests.records import CAMPAIGN, conversation, small_campaign
from tests.test_dashboard_callbacks import MAYA, USERS, signed_in_as


def _values(node: Any, parts: list[str]) -> Iterator[Any]:
    if not parts:
        yield from (node if isinstance(node, list) else [node])
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        for item in node if isinstance(node, list) else []:
            yield from _values(item, rest)
    elif isinstance(node, dict) and head in node:
        yield from _values(node[head], rest)


def personal_texts(store: Store) -> set[str]:
    """Every personal text of every stored record (booleans such as witnessed_harm are not text).

    A word some record also gives in a field that is not personal is left out: a referral note
    that reads just "days" says what a shift column says openly.
    """
    personal: set[str] = set()
    public: set[str] = set()
    for rec in store.iter_records():
        for path in PERSONAL_FIELDS:
            personal |= {v for v in _values(rec.body, path.split(".")) if isinstance(v, str) and v}
        public |= {v for v in _flatten(redact_record(rec.body)) if isinstance(v, str)}
    return {v for v in personal if v.casefold() not in {p.casefold() for p in public}}


def graph_values(store: Store, request: pytest.FixtureRequest) -> list[str]:
    """Every property value of every node and edge of the graph (not the records), as text."""
    if isinstance(store, SQLiteStore):
        db = sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT key, kind, campaign, name, props FROM nodes").fetchall()
            rows += db.execute("SELECT * FROM edges").fetchall()
        finally:
            db.close()
        values: list[Any] = []
        for row in rows:
            for v in row:
                values.append(v)
                if isinstance(v, str) and v[:1] in "{[":  # props and extra hold JSON
                    values.extend(_flatten(json.loads(v)))
    else:
        user = os.environ.get("NEO4J_USER")
        driver = GraphDatabase.driver(request.getfixturevalue("neo4j_uri"),
                                      auth=None if user is None else
                                      (user, os.environ.get("NEO4J_PASSWORD") or ""))
        try:
            db_name = os.environ.get("NEO4J_DATABASE")
            nodes, _, _ = driver.execute_query("MATCH (n:Node) RETURN properties(n) AS p",
                                               database_=db_name)
            rels, _, _ = driver.execute_query(
                "MATCH (:Node)-[r]->(:Node) RETURN type(r) AS t, properties(r) AS p",
                database_=db_name)
        finally:
            driver.close()
        assert nodes and rels
        values = [v for r in nodes for v in _flatten(r["p"])]
        values += [v for r in rels for v in _flatten(r["p"])]
    return [v for v in values if isinstance(v, str)]


def _flatten(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _flatten(v)
    elif isinstance(value, list):
        for v in value:
            yield from _flatten(v)
    else:
        yield value


def test_no_node_or_edge_of_the_demo_holds_personal_text(store: Store, request):
    report = import_files(store, demo_files())
    assert not report.errors
    secrets = personal_texts(store)
    # The demo's fears, agreed actions and assignments are among them.
    assert len(secrets) > 60
    found = sorted({s for v in graph_values(store, request) for s in secrets
                    if s.casefold() in v.casefold()})
    assert found == []


def test_a_conversation_node_says_there_are_fears_an_assignment_and_an_action(store: Store):
    store.write(small_campaign())
    ana = next(c for c in store.snapshot(CAMPAIGN).conversations if c.id == "2026-11-01-ana-lopez")
    assert (ana.fears_count, ana.has_assignment, ana.commitment.has_action) == (1, True, True)


def test_the_words_are_read_from_the_stored_records(store: Store):
    store.write(small_campaign())
    texts = store.conversation_texts(CAMPAIGN)
    assert texts == {"2026-11-01-ana-lopez": {"ask.action": "come to the Dec 3 meeting",
                                              "follow_up.assignment": "log a short shift"},
                     "2026-11-05-cam-lee": {}, "ana-second": {}}
    assert store.conversation_texts(CAMPAIGN, ["2026-11-01-ana-lopez", "nobody"],
                                    fields=("ask.fears", "ask.response")) == {
        "2026-11-01-ana-lopez": {"ask.fears": ["retaliation"], "ask.response": "yes"}}
    assert store.conversation_texts("another-campaign") == {}
    assert store.conversation_texts(CAMPAIGN, []) == {}


def _petition(store: Store, names: list[str], response: str = "yes",
              date: str = "2026-11-10") -> None:
    store.write([conversation(n, date, ask={"asked": True, "action": "sign the petition",
                                            "response": response}) for n in names])


def test_the_dashboards_answers_name_an_action_only_once_three_people_said_yes(store: Store):
    _petition(store, ["Ana Lopez", "Ben Ortiz"])
    store.write([conversation("Eve Moss", "2026-11-12", ask={
        "asked": True, "action": "tell the board about my night", "response": "yes",
        "due": "2026-11-20"})])
    _petition(store, ["Cam Lee"], response="maybe")
    a = Analytics(WithCampaignTexts(store), campaign=CAMPAIGN)  # as the dashboard reads
    cam = next(e for e in a.ask_queue() if e["name"] == "Cam Lee")
    assert cam["suggested_ask"] == "follow up on the earlier ask"
    _petition(store, ["Dee Park"])
    cam = next(e for e in a.ask_queue() if e["name"] == "Cam Lee")
    assert cam["suggested_ask"] == "ask again: sign the petition"
    # One person's own words are in no answer shared by the dashboard's readers.
    answers = json.dumps([a.run(name, **({"today": dt.date(2026, 11, 25)}
                                         if name == "follow_ups" else {}))
                          for name in ("ask_queue", "ladder", "follow_ups")])
    assert "tell the board" not in answers and "(commitment)" in answers


def test_the_ready_page_suggests_the_campaigns_action_it_reads_from_the_records(store: Store):
    _petition(store, ["Ana Lopez", "Ben Ortiz", "Dee Park"])
    _petition(store, ["Cam Lee"], response="maybe")
    app = create_app(lambda: store, users=USERS)
    request = {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}
    with signed_in_as(app, MAYA):
        block, _count = grid_rows(ready_rows, {"name", "suggested_ask"}, request, None)
    asks = {r["name"]: r["suggested_ask"] for r in block["rowData"]}
    assert asks == {"Cam Lee": "ask again: sign the petition"}


def test_the_command_line_shows_the_words_from_the_records(tmp_path: Path):
    db = tmp_path / "cli.db"
    with SQLiteStore(db) as s:
        s.write([conversation("Ana Lopez", "2026-11-01", ask={
            "asked": True, "action": "come to the Dec 3 meeting", "response": "yes",
            "due": "2026-11-05"}, follow_up={"assignment": "log a short shift",
                                             "due": "2026-11-08"})])
    runner = CliRunner()
    follow = runner.invoke(app, ["follow-ups", "--today", "2026-11-06", "--json", "--db", str(db)],
                           catch_exceptions=False)
    assert follow.exit_code == 0, follow.output
    items = json.loads(follow.output)["organizers"][0]["items"]
    assert [i["what"] for i in items] == ["come to the Dec 3 meeting", "log a short shift"]
    ladder = runner.invoke(app, ["ladder", "--today", "2026-11-02", "--json", "--db", str(db)],
                           catch_exceptions=False)
    assert "follow through: come to the Dec 3 meeting" in ladder.output


def test_no_edge_says_whether_someone_witnessed_harm(store: Store, request):
    """A personal fact (PERSONAL_FIELDS), even as a yes or no: it stays in the record."""
    report = import_files(store, demo_files())
    assert not report.errors
    assert any(i.get("witnessed_harm") for r in store.iter_records(kind="conversation")
               for i in r.body.get("issues", []))
    if isinstance(store, SQLiteStore):
        db = sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)
        try:
            assert db.execute("SELECT count(*) FROM edges WHERE witnessed_harm IS NOT NULL "
                              "OR extra LIKE '%witnessed%'").fetchone() == (0,)
        finally:
            db.close()
    else:
        with store.driver.session(database=store.database) as session:
            found = session.run("MATCH ()-[r:ANGRY_ABOUT]->() WHERE r.witnessed_harm IS NOT NULL "
                                "RETURN count(r) AS n").single()["n"]
        assert found == 0
