"""Two reference points for Neo4j import, on the same server and the same records.

* **per record, object mapper** — the usual way a Python developer writes it: neomodel
  ``StructuredNode`` classes mirroring our projection, one transaction per conversation,
  ``get_or_none`` / ``save`` per node and ``connect`` per edge. Slow, so it runs on a sample
  (the first ``sample`` conversations of the file) and its rate is extrapolated.
* **LOAD CSV** — Neo4j's own bulk path: the same conversations validated and projected by
  our code, written as one CSV per node kind / edge type / records, then loaded with
  ``LOAD CSV ... CALL { } IN TRANSACTIONS``. The practical upper bound for a live server.

Both use their own labels (``Bm*`` and ``Lc*``) so their constraints never touch the store's;
everything they write, and their constraints, are removed afterwards.

The in-process harness server resolves ``file:///`` URLs as absolute paths (its
``server.directories.import`` is set but not enforced as a root, and
``dbms.security.allow_csv_import_from_file_urls`` is true), so the CSV files are read straight
from the work folder. If a server refuses that, they are copied into its import folder.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import shutil
import time
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from benchmarks.measure import PeakMemory, time_call
from benchmarks.suites import CONVERSATIONS_FILE, Unavailable, need

__all__ = ["neomodel_per_record", "load_csv", "store_conversations_only", "drop_baseline_data"]

_CLEAR = "MATCH (n:`{label}`) CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 10000 ROWS"


# --- shared --------------------------------------------------------------------------------
def _records(data: Path, limit: int | None = None) -> Iterator[Any]:
    """Read and validate conversations exactly as the importer does (the first ``limit``)."""
    from mapper.readers import read_file, validate

    for raw in islice(read_file(data / CONVERSATIONS_FILE), limit):
        record, errors = validate(raw)
        if errors:
            raise RuntimeError(f"invalid record in the generated data: {errors[0]}")
        yield record


def drop_baseline_data(driver: Any, prefix: str) -> None:
    """Delete the nodes with a label starting with ``prefix`` and the constraints on them."""
    with driver.session() as session:
        labels = [row[0] for row in session.run("CALL db.labels()")]
        for label in labels:
            if label.startswith(prefix):
                session.run(_CLEAR.format(label=label)).consume()
        for row in session.run("SHOW CONSTRAINTS YIELD name, labelsOrTypes").data():
            if any(str(l).startswith(prefix) for l in row["labelsOrTypes"] or []):
                session.run(f"DROP CONSTRAINT `{row['name']}` IF EXISTS").consume()
        for row in session.run("SHOW INDEXES YIELD name, labelsOrTypes, owningConstraint").data():
            if row["owningConstraint"] is None and any(
                    str(l).startswith(prefix) for l in row["labelsOrTypes"] or []):
                session.run(f"DROP INDEX `{row['name']}` IF EXISTS").consume()


# --- (a) neomodel, one transaction per record ----------------------------------------------
_RENAME = {"id": "conversation_id"}  # projection prop -> neomodel attribute


@functools.cache
def _neomodel_classes() -> tuple[dict[str, Any], dict[str, str], Any]:
    """StructuredNode classes for every node kind of a conversation's projection (made once:
    neomodel keeps a process-wide registry of them)."""
    neomodel = need("neomodel")
    from neomodel import (ArrayProperty, BooleanProperty, FloatProperty, IntegerProperty,
                          RelationshipTo, StringProperty, StructuredNode, StructuredRel)

    class Edge(StructuredRel):
        # neomodel reserves the attribute names "source" and "id": map them to those names.
        # No index on it: the store's per-type source indexes have the same schema, and the
        # baseline only ever creates (replacing a record is where the store needs them).
        record_source = StringProperty(db_property="source")
        campaign = StringProperty()
        # the union of edge props in the projection
        date = StringProperty()
        anger = IntegerProperty()
        witnessed_harm = BooleanProperty()
        issue = StringProperty()
        relationship = StringProperty()
        shift = StringProperty()
        role = StringProperty()
        workplace = StringProperty()
        referral = BooleanProperty()
        roster = BooleanProperty()

    def node_class(kind: str, extra: dict[str, Any], rels: dict[str, tuple[str, str]]) -> Any:
        attrs: dict[str, Any] = {
            "__label__": f"Bm{kind}",
            "key": StringProperty(unique_index=True, required=True),
            "campaign": StringProperty(index=True),
            "name": StringProperty(),
            **extra,
        }
        for attr, (rel_type, target) in rels.items():
            attrs[attr] = RelationshipTo(f"Bm{target}", rel_type, model=Edge)
        return type(f"Bm{kind}", (StructuredNode,), attrs)

    s, i, f, b = StringProperty, IntegerProperty, FloatProperty, BooleanProperty
    classes = {
        "Campaign": node_class("Campaign", {}, {}),
        "Unit": node_class("Unit", {}, {}),
        "Issue": node_class("Issue", {}, {}),
        "Skill": node_class("Skill", {}, {}),
        "Organization": node_class("Organization", {}, {}),
        "Commitment": node_class("Commitment", {
            "action": s(), "asked": b(), "response": s(), "due": s(), "date": s()}, {}),
        "DecisionMaker": node_class("DecisionMaker", {"title": s(), "organization": s()}, {
            "controls": ("CONTROLS", "Issue"), "works_for": ("WORKS_FOR", "Organization")}),
        "Person": node_class("Person", {}, {
            "in_unit": ("IN_UNIT", "Unit"), "angry_about": ("ANGRY_ABOUT", "Issue"),
            "names": ("NAMES", "DecisionMaker"), "made": ("MADE", "Commitment"),
            "has_skill": ("HAS_SKILL", "Skill"), "referred": ("REFERRED", "Person")}),
        "Conversation": node_class("Conversation", {
            "conversation_id": s(db_property="id"), "date": s(), "organizer": s(), "setting": s(), "listening_share": f(),
            "assessment": i(), "hope": i(), "wants_to_talk_again": b(),
            "will_attend_meeting": b(), "cares_about_problem": b(),
            "decision_maker_can_fix": b(), "wont_fix_without_pressure": b(),
            "fears": ArrayProperty(s()), "self_care": ArrayProperty(s()),
            "follow_up_assignment": s(), "follow_up_due": s(), "thank_you_sent": b()}, {
            "with_person": ("WITH", "Person"), "in_campaign": ("IN_CAMPAIGN", "Campaign")}),
        "Organizer": node_class("Organizer", {}, {"held": ("HELD", "Conversation")}),
    }

    class Record(StructuredNode):
        __label__ = "BmRecord"
        record_id = StringProperty(unique_index=True, required=True, db_property="id")
        kind = StringProperty()
        campaign = StringProperty()
        hash = StringProperty()
        date = StringProperty()
        person = StringProperty(index=True)
        body = StringProperty()

    classes["Record"] = Record
    # neomodel finds a relationship's target class by name in the defining module.
    for cls in classes.values():
        globals()[cls.__name__] = cls
    rel_attr = {"HELD": "held", "WITH": "with_person", "IN_CAMPAIGN": "in_campaign",
                "IN_UNIT": "in_unit", "ANGRY_ABOUT": "angry_about", "NAMES": "names",
                "CONTROLS": "controls", "WORKS_FOR": "works_for", "MADE": "made",
                "HAS_SKILL": "has_skill", "REFERRED": "referred"}
    return classes, rel_attr, neomodel


def neomodel_per_record(uri: str, data: Path, sample: int, pids: dict[str, int | None],
                        log: Callable[[str], None] = print) -> dict:
    """Parse, validate, project and write ``sample`` conversations, one transaction each."""
    from neo4j import GraphDatabase

    from mapper.models import body_hash
    from mapper.projection import Aliases, project

    classes, rel_attr, neomodel = _neomodel_classes()
    db = neomodel.db
    driver = GraphDatabase.driver(uri, auth=None)
    db.set_connection(driver=driver)
    try:
        drop_baseline_data(driver, "Bm")
        for cls in classes.values():
            db.install_labels(cls, quiet=True, stdout=io.StringIO())
        aliases = Aliases()

        def write_one(record: Any) -> None:
            body = record.model_dump(mode="json", exclude_none=True)
            proj = project(record, aliases)
            with db.transaction:
                objs: dict[str, Any] = {}
                person = None
                for n in proj.nodes:
                    cls = classes[n.kind]
                    known = cls.defined_properties(aliases=False, rels=False)
                    props = {_RENAME.get(k, k): v for k, v in n.props.items() if _RENAME.get(k, k) in known}
                    obj = None if n.kind in ("Conversation", "Commitment") else cls.nodes.get_or_none(key=n.key)
                    if obj is None:
                        obj = cls(key=n.key, campaign=n.campaign, **props).save()
                    objs[n.key] = obj
                for e in proj.edges:
                    if e.type == "WITH":
                        person = e.dst
                    getattr(objs[e.src], rel_attr[e.type]).connect(
                        objs[e.dst], {"record_source": e.source, "campaign": e.campaign, **e.props})
                classes["Record"](record_id=proj.source, kind="conversation", campaign=record.campaign,
                                  hash=body_hash(body), date=body.get("date"), person=person,
                                  body=json.dumps(body, sort_keys=True)).save()

        def run() -> int:
            records = list(_records(data, sample))
            for record in records:
                write_one(record)
            return len(records)

        with PeakMemory(pids) as peak:
            seconds, n = time_call(run)
        log(f"    neomodel per record: {n:,} conversations in {seconds:.1f} s = {n / seconds:,.0f} conv/s")
        return {"conversations": n, "seconds": seconds, "conv_per_s": n / seconds,
                "sample": True, "peak": {**peak.peaks, "total": peak.peak_total}}
    finally:
        try:
            drop_baseline_data(driver, "Bm")
        finally:
            db.close_connection()
            driver.close()


# --- (b) LOAD CSV --------------------------------------------------------------------------
def _column_type(values: list[Any]) -> str:
    for v in values:
        if v is None:
            continue
        if isinstance(v, bool):
            return "bool"
        if isinstance(v, int):
            return "int"
        if isinstance(v, float):
            return "float"
        if isinstance(v, (list, tuple)):
            return "list"
        return "str"
    return "str"


_CONVERT = {"bool": "toBoolean(row.`{c}`)", "int": "toInteger(row.`{c}`)",
            "float": "toFloat(row.`{c}`)", "list": "split(row.`{c}`, ';')", "str": "row.`{c}`"}


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ";".join(map(str, value))
    return value


class _Table:
    """Rows of one CSV file, spooled as JSON lines until every column is known (memory stays
    bounded at a million conversations); :meth:`finish` writes the CSV."""

    def __init__(self, path: Path, fixed: list[str]) -> None:
        self.path = path
        self.columns = list(fixed)
        self.types: dict[str, str] = {}
        self.rows = 0
        self._spool = path.with_suffix(".jsonl").open("wb")

    def add(self, row: dict[str, Any]) -> None:
        import orjson

        for column, value in row.items():
            if column not in self.types:
                if column not in self.columns:
                    self.columns.append(column)
                if value is not None:
                    self.types[column] = _column_type([value])
        self._spool.write(orjson.dumps(row) + b"\n")
        self.rows += 1

    def finish(self) -> dict[str, str]:
        import orjson

        self._spool.close()
        spool = self.path.with_suffix(".jsonl")
        with spool.open("rb") as src, self.path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(self.columns)
            for line in src:
                row = orjson.loads(line)
                writer.writerow([_cell(row.get(c)) for c in self.columns])
        spool.unlink()
        return {c: self.types.get(c, "str") for c in self.columns}


def _sets(var: str, columns: list[str], types: dict[str, str]) -> str:
    parts = [f"{var}.`{c}` = {_CONVERT[types[c]].format(c=c)}" for c in columns]
    return ", ".join(parts)


def _prepare_csv(data: Path, folder: Path) -> tuple[list[tuple[str, str, int, Path]], int]:
    """Validate + project the conversations and write the CSV files; return the statements.

    Nodes are deduplicated by key (the first projection of a key wins, as the store's
    INSERT OR IGNORE / MERGE ... ON CREATE does); edges are written as projected.
    """
    from mapper.models import body_hash
    from mapper.projection import Aliases, project

    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    aliases = Aliases()
    node_tables: dict[str, _Table] = {}
    edge_tables: dict[tuple[str, str, str], _Table] = {}
    kind_of: dict[str, str] = {}
    records = _Table(folder / "records.csv", ["id"])
    count = 0
    for record in _records(data):
        count += 1
        body = record.model_dump(mode="json", exclude_none=True)
        proj = project(record, aliases)
        person = None
        for n in proj.nodes:
            if n.key in kind_of:
                continue
            kind_of[n.key] = n.kind
            table = node_tables.get(n.kind)
            if table is None:
                table = node_tables[n.kind] = _Table(folder / f"nodes_{n.kind}.csv", ["key", "campaign"])
            table.add({"key": n.key, "campaign": n.campaign, **n.props})
        for e in proj.edges:
            if e.type == "WITH":
                person = e.dst
            ident = (e.type, kind_of[e.src], kind_of[e.dst])
            table = edge_tables.get(ident)
            if table is None:
                table = edge_tables[ident] = _Table(folder / f"edges_{'_'.join(ident)}.csv",
                                                    ["src", "dst", "source", "campaign"])
            table.add({"src": e.src, "dst": e.dst, "source": e.source, "campaign": e.campaign, **e.props})
        records.add({"id": proj.source, "kind": "conversation", "campaign": record.campaign,
                     "hash": body_hash(body), "date": body.get("date"), "person": person,
                     "body": json.dumps(body, sort_keys=True)})
    statements: list[tuple[str, str, int, Path]] = []  # (label, cypher with $url, rows, file)
    for kind, table in node_tables.items():
        types = table.finish()
        rest = [c for c in table.columns if c != "key"]
        statements.append((f"nodes {kind}", (
            f"LOAD CSV WITH HEADERS FROM $url AS row CALL (row) {{ "
            f"MERGE (n:Lc{kind} {{key: row.key}}) ON CREATE SET {_sets('n', rest, types)} "
            f"}} IN TRANSACTIONS OF 10000 ROWS"), table.rows, table.path))
    for (etype, src_kind, dst_kind), table in edge_tables.items():
        types = table.finish()
        rest = [c for c in table.columns if c not in ("src", "dst")]
        statements.append((f"edges {etype}", (
            f"LOAD CSV WITH HEADERS FROM $url AS row CALL (row) {{ "
            f"MATCH (a:Lc{src_kind} {{key: row.src}}) MATCH (b:Lc{dst_kind} {{key: row.dst}}) "
            f"CREATE (a)-[r:{etype}]->(b) SET {_sets('r', rest, types)} "
            f"}} IN TRANSACTIONS OF 10000 ROWS"), table.rows, table.path))
    types = records.finish()
    statements.append(("records", (
        "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) { "
        f"MERGE (r:LcRecord {{id: row.id}}) ON CREATE SET {_sets('r', records.columns[1:], types)} "
        "} IN TRANSACTIONS OF 10000 ROWS"), records.rows, records.path))
    return statements, count


def _url_for(session: Any, path: Path) -> str:
    """A ``file:///`` URL the server can read ``path`` at (copying it into the import folder
    if the server confines LOAD CSV to it)."""
    url = path.resolve().as_uri()
    try:
        session.run("LOAD CSV FROM $url AS row RETURN row LIMIT 1", url=url).consume()
        return url
    except Exception:
        imports = session.run("SHOW SETTINGS YIELD name, value "
                              "WHERE name = 'server.directories.import' RETURN value").single()
        if not imports or not imports[0]:
            raise
        target = Path(imports[0]) / path.name
        shutil.copy(path, target)
        return f"file:///{path.name}"


def load_csv(uri: str, data: Path, workdir: Path, pids: dict[str, int | None],
             log: Callable[[str], None] = print) -> dict:
    """All conversations through LOAD CSV; prepare (ours) and load (Neo4j's) timed apart."""
    from neo4j import GraphDatabase

    driver = GraphDatabase.driver(uri, auth=None)
    folder = workdir / "loadcsv"
    try:
        drop_baseline_data(driver, "Lc")
        with driver.session() as session:
            kinds = ("Campaign", "Unit", "Issue", "Skill", "Organization", "Commitment",
                     "DecisionMaker", "Person", "Conversation", "Organizer")
            for kind in kinds:
                session.run(f"CREATE CONSTRAINT bm_lc_{kind.lower()}_key IF NOT EXISTS "
                            f"FOR (n:Lc{kind}) REQUIRE n.key IS UNIQUE").consume()
            session.run("CREATE CONSTRAINT bm_lc_record_id IF NOT EXISTS "
                        "FOR (r:LcRecord) REQUIRE r.id IS UNIQUE").consume()
            session.run("CALL db.awaitIndexes(300)").consume()
        with PeakMemory(pids) as peak:
            t_prep, (statements, n) = time_call(lambda: _prepare_csv(data, folder))
            steps = []
            start = time.perf_counter()
            with driver.session() as session:
                for label, cypher, rows, path in statements:
                    url = _url_for(session, path)
                    t, _ = time_call(lambda: session.run(cypher, url=url).consume())
                    steps.append({"step": label, "rows": rows, "seconds": t})
            t_load = time.perf_counter() - start
        log(f"    LOAD CSV: {n:,} conversations: prepare {t_prep:.1f} s + load {t_load:.1f} s = "
            f"{n / (t_prep + t_load):,.0f} conv/s end to end ({n / t_load:,.0f} conv/s load only)")
        return {"conversations": n, "prepare_s": t_prep, "load_s": t_load,
                "seconds": t_prep + t_load, "conv_per_s": n / (t_prep + t_load),
                "load_only_conv_per_s": n / t_load, "steps": steps,
                "peak": {**peak.peaks, "total": peak.peak_total}}
    finally:
        try:
            drop_baseline_data(driver, "Lc")
        finally:
            driver.close()
            shutil.rmtree(folder, ignore_errors=True)


# --- the store itself, on the same records ---------------------------------------------------
def store_conversations_only(store_factory: Callable[[], Any], data: Path,
                             pids: dict[str, int | None], log: Callable[[str], None] = print) -> dict:
    """``import_files(store, [conversations.jsonl])`` into an empty store: the same records
    and the same empty starting point as the two baselines."""
    from mapper.importer import import_files

    store = store_factory()
    try:
        with PeakMemory(pids) as peak:
            seconds, report = time_call(lambda: import_files(store, [data / CONVERSATIONS_FILE]))
        if report.errors:
            raise RuntimeError(f"import reported {len(report.errors)} errors: {report.errors[0]}")
        n = report.valid
        log(f"    store, conversations only into an empty store: {n:,} in {seconds:.1f} s = "
            f"{n / seconds:,.0f} conv/s")
        result = {"conversations": n, "seconds": seconds, "conv_per_s": n / seconds,
                  "peak": {**peak.peaks, "total": peak.peak_total}}
        try:
            result["clear_s"] = time_call(store.clear)[0]
        except Exception as exc:  # the figure stands; say that emptying the store failed
            result["clear_error"] = f"{type(exc).__name__}: {str(exc)[:200]}"
            log(f"    ! Neo4jStore.clear() after it failed: {result['clear_error']}")
        return result
    finally:
        store.close()
