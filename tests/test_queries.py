"""Every Cypher file is used, and every caller passes exactly the parameters its query names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib.resources import files

import neo4j
import pytest

from mapper.projection import conversation_key
from tests.records import CAMPAIGN, alias, conversation, small_campaign
from tests.test_drafts import use_every_draft_query
from tests.test_server_accounts import use_every_server_query
from tests.test_sessions import use_every_session_query

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def _query_files() -> dict[str, str]:
    root = files("queries")
    found = {}
    for folder in root.iterdir():
        if folder.is_dir():
            for f in folder.iterdir():
                if f.name.endswith(".cypher"):
                    found[f"{folder.name}/{f.name[:-7]}"] = f.read_text()
    return found


def _parameters(text: str) -> set[str]:
    code = "\n".join(line.split("//", 1)[0] for line in text.splitlines())
    return set(_PARAM.findall(code))


def test_every_query_file_holds_one_statement():
    for name, text in _query_files().items():
        code = "\n".join(line.split("//", 1)[0] for line in text.splitlines()).strip()
        assert code, f"{name} is empty"
        assert ";" not in code.rstrip(";"), f"{name} holds more than one statement"


#: Plan operators that read every node of a label (or every node, every relationship).
_SCANS = frozenset({"NodeByLabelScan", "AllNodesScan", "DirectedAllRelationshipsScan",
                    "UndirectedAllRelationshipsScan"})
#: Labels with a node per record, person or row: a million people make millions of them.
_GROWING = ("Record", "Node", "PersonRow", "FollowUpItem", "ReadCount", "NamedCount",
             "GoneRow")
#: The queries that read every one of those on purpose, none run by a write, a page or a list.
_WHOLE_STORE = {
    "read/count_nodes": "mapper stats",
    "read/count_records": "mapper stats",
    "read/count_edges": "mapper stats",
    "read/list_campaigns": "a migration, once",
    "write/count_follow_up_totals": "the schema-6 migration, once",
    "write/delete_campaign_follow_up_items": "a rebuild clearing a campaign",
    "write/delete_graph_nodes": "the schema-2 migration, once",
    "write/delete_all_relationships": "the schema-2 migration, once",
    "write/delete_everything": "Store.clear",
}


def _operators(plan: dict) -> Iterator[tuple[str, str]]:
    yield plan["operatorType"].split("@")[0], plan.get("args", {}).get("Details", "")
    for child in plan.get("children", []):
        yield from _operators(child)


@pytest.fixture(scope="module")
def every_query(neo4j_uri) -> tuple[dict[str, set[frozenset]], dict[str, list[tuple[str, str]]]]:
    """Every query file run by the store's own callers, on a real server: the parameters each
    was given (``{name: {frozenset of names}}``), and each one's plan as the server made it for
    its first call (``{name: [(operator, details)]}``, by EXPLAIN with the same parameters)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        return _run_every_query(neo4j_uri, monkeypatch)


def _run_every_query(neo4j_uri, monkeypatch):
    from mapper.stores.neo4j import Neo4jStore

    by_text = {text: name for name, text in _query_files().items()}
    calls: dict[str, set[frozenset]] = {}
    plans: dict[str, list[tuple[str, str]]] = {}

    def recording(original):
        def run(self, query, parameters=None, **kwargs):
            name = by_text.get(query)
            if name is not None:
                given = set(parameters or {}) | set(kwargs)
                calls.setdefault(name, set()).add(frozenset(given))
                if name not in plans and not name.startswith("schema/"):
                    explained = original(self, "EXPLAIN " + query, parameters, **kwargs)
                    plans[name] = list(_operators(explained.consume().plan))
            return original(self, query, parameters, **kwargs)
        return run

    monkeypatch.setattr(neo4j.ManagedTransaction, "run", recording(neo4j.ManagedTransaction.run))
    monkeypatch.setattr(neo4j.Session, "run", recording(neo4j.Session.run))

    store = Neo4jStore(neo4j_uri)
    try:
        store.clear()
        store.write(small_campaign())
        store.write([conversation("Cam Lee", "2026-11-05", unit="ER", issues=[])])  # a replacement
        from mapper.models import Assignment, Update
        store.write([Update(date="2026-11-20", person="Ana Lopez", update="thank_you_sent",
                            campaign=CAMPAIGN),
                     Assignment(person="Dee Park", organizer="Maya Ortiz", campaign=CAMPAIGN)])
        store.delete([conversation_key(CAMPAIGN, "ana-second")])
        # Dee spoken with: Ana, who referred her, brought a coworker (her row set alone).
        store.write([conversation("Dee Park", "2026-11-07", unit="ER", issues=[])])
        store.batch_size = 2  # so a re-projection saves its cursor between batches
        store.write([alias("issue", "mandatory overtime", "short staffing")])        # a re-projection
        store.read_model_batch = 2  # so a rebuild of the read model moves its cursor
        store.upkeep = lambda step: None  # (told how far it is: its people counted)
        store.rebuild_read_model(CAMPAIGN)
        store.upkeep = None
        # A store written before schema numbers were kept is migrated when opened.
        with store._driver.session() as session:
            session.run("MATCH (m:StoreMeta) REMOVE m.schema").consume()
        Neo4jStore(neo4j_uri).close()
        # A schema-4 store gets its records' lookup keys when opened.
        with store._driver.session() as session:
            session.run("MATCH (m:StoreMeta) SET m.schema = 4").consume()
        Neo4jStore(neo4j_uri).close()
        # A schema-8 store gets its read model rebuilt (each unit's counts in one node).
        with store._driver.session() as session:
            session.run("CREATE (:ReadCount {campaign: $c, kind: 'unit', key: 'ER', "
                        "sub: 'people', n: 0})", c=CAMPAIGN).consume()
            session.run("MATCH (m:StoreMeta) SET m.schema = 8").consume()
        Neo4jStore(neo4j_uri).close()
        # A schema-9 store gets each 1-on-1's words kept beside its body when opened.
        with store._driver.session() as session:
            session.run("MATCH (r:Record) REMOVE r.words").consume()
            session.run("MATCH (m:StoreMeta) SET m.schema = 9").consume()
        Neo4jStore(neo4j_uri).close()
        # A schema-15 store gets each committed person's place in the ladder's order.
        with store._driver.session() as session:
            session.run("MATCH (r:PersonRow) REMOVE r.ladder_order").consume()
            session.run("MATCH (m:StoreMeta) SET m.schema = 15").consume()
        Neo4jStore(neo4j_uri).close()
        # A schema-10 store gets its read model rebuilt when opened (schema 12: whom each
        # person named is on their row).
        with store._driver.session() as session:
            session.run("MATCH (r:PersonRow) REMOVE r.brought").consume()
            session.run("MATCH (m:StoreMeta) SET m.schema = 10").consume()
        Neo4jStore(neo4j_uri).close()
        store.identity_records(CAMPAIGN, ["ana lopez"], [], [])
        store.node_names(CAMPAIGN, "Issue")
        store.tie_rows(CAMPAIGN, [f"person:{CAMPAIGN}:ana lopez"])
        list(store.export())
        store.get_records([conversation_key(CAMPAIGN, "ana-second")])
        store.record_organizers([conversation_key(CAMPAIGN, "2026-11-01-ana-lopez")])
        store.person_history(CAMPAIGN, "Ana Lopez")
        store.search_people(CAMPAIGN, "an")
        store.counts()
        store.counts(CAMPAIGN)
        store.campaigns()
        store.snapshot(CAMPAIGN)
        import datetime as dt
        store.follow_ups(CAMPAIGN, today=dt.date(2026, 12, 1))
        store.follow_ups(CAMPAIGN, today=dt.date(2026, 12, 1), organizer="Maya Ortiz")
        store.follow_ups(CAMPAIGN, today=dt.date(2026, 12, 1), limit=1)  # ends within a list
        # A page of the ask queue: ranked and kept, then the kept ranking and a row since.
        monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
        page = dict(today=dt.date(2026, 12, 1), texts=lambda ids: {}, words="every")
        store.ask_queue_page(CAMPAIGN, **page)
        store.write([conversation("Eve Stone", "2026-11-06", unit="ER", issues=[])])
        store.ask_queue_page(CAMPAIGN, **page)  # (Cam Lee's row read for her entry)
        # A 1-on-1 moved to another name: the first one's row goes outright, stamped, and
        # the next page drops her.
        store.write([conversation("Eve Ston", "2026-11-06", id="eve", unit="ER", issues=[])])
        store.write([conversation("Eve Stone", "2026-11-06", id="eve", unit="ER", issues=[])])
        store.ask_queue_page(CAMPAIGN, **page)
        # A second person angry about night parking moves its points: the first one's row,
        # angry about it too, read from the issue's edges.
        for who in ("Gil Hart", "Hal Ives"):
            store.kept_ask_ranking(CAMPAIGN, **page, fresh=True)  # (ranked whole, kept)
            store.write([conversation(who, "2026-11-06", id=who, unit="ER",
                                      issues=[{"issue": "night parking", "anger": 4}])])
            store.ask_queue_page(CAMPAIGN, **page)
        # Another day's page: that ranking, those whose wait after an ask the move ends read.
        store.ask_queue_page(CAMPAIGN, **{**page, "today": dt.date(2026, 12, 20)})
        store.structure(CAMPAIGN)
        store.ask_queue(CAMPAIGN, limit=2, texts=lambda ids: {})
        store.assignees(CAMPAIGN)
        store.overview(CAMPAIGN)
        # The power map's rankings: a naming kept, read (past the first: the tied pairs), gone.
        named = {"named": [{"issue": "parking", "decision_maker": {"name": "Carl Reyes"}}]}
        store.write([conversation("Fay Moss", "2026-11-07", id="fay", responsibility=named)])
        store.power_ranking(CAMPAIGN, first=1)
        store.power_ranking(CAMPAIGN)
        store.write([conversation("Fay Moss", "2026-11-07", id="fay", responsibility={})])
        # A row of the hierarchy deleted: its decision maker as the 1-on-1 naming him has him.
        store.delete([f"hierarchy:{CAMPAIGN}:carl reyes"])
        store.took_action(CAMPAIGN)
        # The people of an issue clicked on the clusters page.
        store.people_angry_about(CAMPAIGN, issue=f"issue:{CAMPAIGN}:night parking", min_anger=3)
        store.ladder(CAMPAIGN, today=dt.date(2026, 12, 1))  # (Ana referred Dee: her row read)
        store.ladder_page(CAMPAIGN, limit=1)  # (as of the campaign's latest day)
        store._trust_pairs(CAMPAIGN, [f"person:{CAMPAIGN}:ana lopez"])  # (the second rung's)
        store._trusted_by(CAMPAIGN, [f"person:{CAMPAIGN}:ana lopez"])
        store._standing(CAMPAIGN, [f"person:{CAMPAIGN}:ana lopez"])  # (the coworker to bring)
        store.my_list(CAMPAIGN, today=dt.date(2026, 12, 1))
        store.my_list(CAMPAIGN, today=dt.date(2026, 12, 1), organizer="maya ortiz")  # (hers)
        store.assignees_of(CAMPAIGN, [f"person:{CAMPAIGN}:dee park"])
        store.item_owners(CAMPAIGN, [f"person:{CAMPAIGN}:ana lopez"])
        store.conversation_texts(CAMPAIGN, ["2026-11-01-ana-lopez"])
        store.conversation_texts(CAMPAIGN)
        store.conversation_texts(CAMPAIGN, ["2026-11-01-ana-lopez"], fields=("ask.fears",))
        store.version()
        store.record_count()
        from mapper.stores.base import StoredAnswer
        at = dt.datetime(2026, 12, 2, tzinfo=dt.timezone.utc)
        store.put_answer(StoredAnswer(CAMPAIGN, "anger_clusters", "{}", store.version(), at, {}))
        store.get_answer(CAMPAIGN, "anger_clusters", "{}")
        store.get_answers(CAMPAIGN, [("anger_clusters", "{}")])
        store.answer_stamps()
        store.answer_stamps(CAMPAIGN)
        store.drop_answer(CAMPAIGN, "anger_clusters", "{}", store.version())
        store.take_lease("answers", "test", at, at + dt.timedelta(seconds=60))
        store.drop_answers(CAMPAIGN)
        store.answers_dropped_at(CAMPAIGN)
        store.stale_since(store.version())
        use_every_session_query(store)
        use_every_draft_query(store)
        use_every_server_query(store)
        store.clear()
        # A new store (no index, no meta node) gets them when opened; a current one only
        # reads them. (Last: the version starts again from 0.)
        with store._driver.session() as session:
            for (name,) in list(session.run("SHOW CONSTRAINTS YIELD name")):
                session.run(f"DROP CONSTRAINT `{name}`").consume()
            for (name,) in list(session.run("SHOW INDEXES YIELD name, type "
                                            "WHERE type <> 'LOOKUP' RETURN name")):
                session.run(f"DROP INDEX `{name}`").consume()
            # (A new store holds no forget's marks either: they count in the old versions.)
            session.run("MATCH (n) WHERE n:StoreMeta OR n:Answer DELETE n").consume()
        Neo4jStore(neo4j_uri).close()
    finally:
        store.close()
    return calls, plans


@pytest.mark.neo4j
def test_callers_pass_exactly_the_parameters_each_query_names(every_query):
    calls, _ = every_query
    unused = sorted(set(_query_files()) - set(calls))
    assert unused == [], f"query files never run: {unused}"
    for name, given_sets in calls.items():
        wanted = _parameters(_query_files()[name])
        for given in given_sets:
            assert set(given) == wanted, f"{name}: query names {sorted(wanted)}, caller passed {sorted(given)}"


@pytest.mark.neo4j
def test_no_query_of_a_write_or_a_page_reads_every_record_or_row(every_query):
    """A query that reads every record, graph node or read-model row costs nothing on a test's
    store and seconds at a million people: each write on Neo4j read its aliases so (0.72 s,
    twice per `mapper import`), because an optional campaign kept the planner off the index.
    The plans the server makes say so on any store; only the queries of whole-store commands
    and one-off migrations may."""
    _, plans = every_query
    scanning = {name: [d for op, d in ops if op in _SCANS
                       and (op != "NodeByLabelScan" or any(f":{label}" in d for label in _GROWING))]
                for name, ops in plans.items()}
    scanning = {name: found for name, found in scanning.items() if found}
    assert set(_WHOLE_STORE) <= set(_query_files())
    assert {n: f for n, f in scanning.items() if n not in _WHOLE_STORE} == {}


@pytest.mark.neo4j
def test_the_ladders_day_and_rows_read_an_index_of_the_few_entries_they_need(every_query):
    """Every ladder table, and the ladder and took action without a day, were as of the
    campaign's latest date among those still there: read from every row of the campaign
    (a million at a million people), as the committed rows were. The date is the first entry
    of an index of those dates read backwards (a seek, then the limit, no sort of them all);
    the committed rows are read from their own index."""
    _, plans = every_query
    latest = [op for op, _ in plans["read/find_latest_day"]]
    assert latest[-2:] == ["Limit", "NodeIndexSeek"] and not {"Top", "Sort"} & set(latest)
    assert "PersonRow(campaign, left, last_date)" in plans["read/find_latest_day"][-1][1]
    committed = [d for op, d in plans["read/list_committed_rows"] if op == "NodeIndexSeek"]
    assert committed and "PersonRow(campaign, committed)" in committed[0]


@pytest.mark.neo4j
def test_a_page_of_the_ladder_reads_its_entries_in_the_order_of_an_index(every_query):
    """The ladder's table read every committed row of its campaign and sorted them for the 50
    it shows: 0.84 s of its 1.5 s at a million people on Neo4j. Each part of a page (the rungs
    no day changes, those the day decides) is now read in the order of an index of the rows'
    places in the ladder, stopping at the page's end: a seek, then the limit, no sort."""
    _, plans = every_query
    ops = [op for op, _ in plans["read/list_ladder_rows"]]
    assert "Limit" in ops and not {"Top", "Sort", "PartialTop", "PartialSort"} & set(ops)
    seek = [d for op, d in plans["read/list_ladder_rows"] if op == "NodeIndexSeek"]
    assert seek and "PersonRow(campaign, committed, left, ladder_order, name, person)" in seek[0]
