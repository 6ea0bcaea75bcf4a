"""The demo campaign gives the same graph on both stores, and an export moves between them."""

from __future__ import annotations

import json

import pytest

from mapper.cli import demo_files
from mapper.importer import import_files

pytestmark = pytest.mark.neo4j


def _load_demo(store):
    report = import_files(store, demo_files())
    assert report.ok, [str(e) for e in report.errors]
    return report.result


def test_the_demo_campaign_gives_the_same_counts_on_both_stores(open_store_of_kind):
    embedded, neo4j = open_store_of_kind("sqlite"), open_store_of_kind("neo4j")
    _load_demo(embedded)
    _load_demo(neo4j)
    assert embedded.counts() == neo4j.counts()
    assert embedded.counts()["records"]["conversation"] >= 30


def test_importing_the_demo_twice_changes_nothing_on_either_store(open_store_of_kind):
    for kind in ("sqlite", "neo4j"):
        store = open_store_of_kind(kind)
        first = _load_demo(store)
        counts = store.counts()
        again = _load_demo(store)
        assert again.unchanged == first.added and again.written == 0
        assert store.counts() == counts


def test_export_from_one_store_and_import_into_the_other_gives_the_same_graph(
        open_store_of_kind, tmp_path):
    embedded, neo4j = open_store_of_kind("sqlite"), open_store_of_kind("neo4j")
    _load_demo(embedded)
    dump = tmp_path / "demo.jsonl"
    dump.write_text("\n".join(embedded.export()) + "\n")
    report = import_files(neo4j, [dump])
    assert report.ok
    assert neo4j.counts() == embedded.counts()
    campaign = embedded.campaigns()[0]
    assert neo4j.snapshot(campaign) == embedded.snapshot(campaign)
    # And back again: the round trip is lossless.
    back = tmp_path / "back.jsonl"
    back.write_text("\n".join(neo4j.export()) + "\n")
    assert [json.loads(x) for x in back.read_text().splitlines()] == [
        json.loads(x) for x in dump.read_text().splitlines()]


def _all_answers(store) -> str:
    import datetime

    from mapper import analytics

    snap = store.snapshot(store.campaigns()[0])
    today = datetime.date(2026, 11, 24)
    answers = {
        "clusters": analytics.anger_clusters(snap),
        "matrix": analytics.unit_issue_matrix(snap),
        "power": analytics.power_map(snap),
        "ask_queue": analytics.ask_queue(snap, today=today),
        "ladder": analytics.ladder(snap, today=today),
        "talk_next": analytics.talk_next(snap),
        "follow_ups": analytics.follow_ups(snap, today=today),
        "structure": analytics.structure(snap),
        "overview": analytics.overview(snap),
    }
    return json.dumps(answers, sort_keys=True, default=str)


def test_every_analytics_question_gives_the_same_answer_on_both_stores(open_store_of_kind):
    embedded, neo4j = open_store_of_kind("sqlite"), open_store_of_kind("neo4j")
    _load_demo(embedded)
    _load_demo(neo4j)
    answers = _all_answers(embedded)
    assert answers == _all_answers(neo4j)
    # The demo's own story: short staffing is the anger most people share.
    clusters = json.loads(answers)["clusters"]
    top = max((i for c in clusters["clusters"] for i in c["issues"]), key=lambda i: i["people"])
    assert top["name"] == "short staffing"


def test_the_same_seeded_campaign_gives_the_same_answers_twice(open_store_of_kind, tmp_path):
    from mapper.generate import generate_campaign

    outputs = []
    for run in ("a", "b"):
        folder = tmp_path / run
        generate_campaign(folder, 400, seed=7)
        store = open_store_of_kind("neo4j" if run == "b" else "sqlite")
        files = [folder / n for n in ("roster.csv", "hierarchy.csv", "ties.csv", "conversations.jsonl")]
        assert import_files(store, files).ok
        outputs.append(_all_answers(store))
    assert outputs[0] == outputs[1]
