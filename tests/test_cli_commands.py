"""Every command of `mapper --help` runs in-process on the demo; every --json matches its doc."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from mapper import cli

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "json-output.md"
TODAY = "2026-10-15"  # inside the demo campaign: some follow-ups overdue, some due

runner = CliRunner()


def invoke(*args: str | Path) -> Any:
    return runner.invoke(cli.app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    result = invoke("demo", "--no-server", "--db", db)
    assert result.exit_code == 0, result.output
    assert "Demo campaign st-lukes-nurses loaded" in result.output
    return db


@pytest.fixture
def scratch_db(demo_db, tmp_path) -> Path:
    """A copy of the demo store a command may change."""
    return Path(shutil.copy(demo_db, tmp_path / "scratch.db"))


# -- the documented shapes ------------------------------------------------------------------

_TOKEN = re.compile(r'\s*(?:#[^\n]*|([{}\[\]:,|])|("[^"]*")|(<[^>]+>)|([A-Za-z_][A-Za-z0-9_]*))')
ANY_KEY = "<any>"


def _tokens(text: str) -> list[str]:
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        assert m and m.end() > pos, f"cannot read the shape at {text[pos:pos + 30]!r}"
        pos = m.end()
        if m.group(3):
            tokens.append(ANY_KEY)
        elif any(m.groups()):
            tokens.append(next(g for g in m.groups() if g))
    return tokens


def parse_shape(text: str) -> Any:
    """A shape of docs/json-output.md as nested tuples (see its notation paragraph).

    >>> shape = parse_shape('{a, b: [{c}], k: "x" | "y", t: {d} | null, n: {<kind>: n}}')
    >>> shape[0], list(shape[1])
    ('object', ['a', 'b', 'k', 't', 'n'])
    >>> shape[1]["b"], sorted(shape[1]["k"][1]), shape[1]["t"][1][1], shape[1]["n"]
    (('list', ('object', {'c': ('any',)})), ['x', 'y'], ('null',), ('object', {'<any>': ('any',)}))
    """
    tokens = _tokens(text)
    pos = 0

    def take(expected: str | None = None) -> str:
        nonlocal pos
        token = tokens[pos]
        assert expected is None or token == expected, f"expected {expected!r}, read {token!r}"
        pos += 1
        return token

    def value() -> Any:
        options = [single()]
        while pos < len(tokens) and tokens[pos] == "|":
            take("|")
            options.append(single())
        strings = [o for o in options if o[0] == "enum"]
        if len(strings) == len(options):
            return ("enum", frozenset().union(*(o[1] for o in strings)))
        return options[0] if len(options) == 1 else ("alt", tuple(options))

    def single() -> Any:
        token = take()
        if token == "{":
            fields: dict[str, Any] = {}
            while tokens[pos] != "}":
                key = take().strip('"')
                fields[key] = ("any",)
                if tokens[pos] == ":":
                    take(":")
                    fields[key] = value()
                if tokens[pos] == ",":
                    take(",")
            take("}")
            return ("object", fields)
        if token == "[":
            item = value()
            take("]")
            return ("list", item)
        if token.startswith('"'):
            return ("enum", frozenset({token.strip('"')}))
        return ("null",) if token == "null" else ("any",)

    shape = value()
    assert pos == len(tokens), f"unread: {tokens[pos:]}"
    return shape


def documented_shapes() -> dict[str, Any]:
    """``mapper X --json`` heading -> the shape in the first code block below it."""
    shapes = {}
    for m in re.finditer(r"^## `mapper ([\w-]+) --json[^`]*`.*?\n```\n(.*?)```", DOC.read_text(),
                         re.S | re.M):
        shapes[m.group(1)] = parse_shape(m.group(2))
    return shapes


def check(value: Any, shape: Any, path: str, seen: set[str]) -> list[str]:
    """Where ``value`` differs from ``shape``; ``seen`` collects the object paths checked."""
    kind = shape[0]
    if kind == "any":
        return []
    if kind == "null":
        return [] if value is None else [f"{path}: not null"]
    if kind == "enum":
        return [] if value in shape[1] else [f"{path}: {value!r} is not one of {sorted(shape[1])}"]
    if kind == "alt":
        found = [check(value, option, path, seen) for option in shape[1]]
        return [] if any(not f for f in found) else found[0]
    if kind == "list":
        if not isinstance(value, list):
            return [f"{path}: not a list"]
        return [e for item in value for e in check(item, shape[1], f"{path}[]", seen)]
    if not isinstance(value, dict):
        return [f"{path}: not an object"]
    seen.add(path)
    fields = shape[1]
    if ANY_KEY in fields:
        return [e for k, v in value.items() for e in check(v, fields[ANY_KEY], f"{path}.{k}", seen)]
    errors = [f"{path}.{k}: documented, missing" for k in fields if k not in value]
    errors += [f"{path}.{k}: not documented" for k in value if k not in fields]
    return errors + [e for k, v in value.items() if k in fields
                     for e in check(v, fields[k], f"{path}.{k}", seen)]


def object_paths(shape: Any, path: str = "") -> set[str]:
    kind = shape[0]
    if kind == "list":
        return object_paths(shape[1], f"{path}[]")
    if kind == "alt":
        return set().union(*(object_paths(o, path) for o in shape[1]))
    if kind == "object" and ANY_KEY not in shape[1]:
        return {path}.union(*(object_paths(s, f"{path}.{k}") for k, s in shape[1].items()))
    return set()


#: The arguments that make each --json command show every documented part on the demo.
JSON_ARGS = {
    "clusters": [],
    "power": [],
    "ask-queue": ["--today", TODAY],
    "ladder": ["--today", TODAY],
    "talk-next": [],
    "follow-ups": ["--today", TODAY],
    "structure": [],
    "overview": [],
    "stats": [],
    "duplicates": ["--threshold", "50"],
    "person": ["Ana Lopez"],
    "log": ["Ana Lopez", "--attempt", "no-answer"],
    "assign": ["Ana Lopez", "--to", "Maya Ortiz"],
    "unassign": ["Ana Lopez"],
    "my-list": ["--today", TODAY],
    "delete": ["conversation:st-lukes-nurses:2026-09-14-ana-lopez", "--yes"],
    "generate": ["--people", "50", "--seed", "3"],
    # A roster row with Ana Lopez's email under another spelling, and a column no field takes.
    "import": [str(ROOT / "tests" / "data" / "roster-lookalike.csv")],
    "audit": [],
}

#: What a --json command needs done first, on its own copy of the demo (a contact assigned).
JSON_SETUP = {
    "unassign": [["assign", "Ana Lopez", "--to", "Maya Ortiz"]],
    "my-list": [["assign", "Ana Lopez", "Zoe Ackerman", "--to", "Maya Ortiz"]],
    "audit": [["users", "import", str(ROOT / "tests" / "data" / "users.yaml")]],
}


def json_commands() -> set[str]:
    group = typer.main.get_command(cli.app)
    return {name for name, command in group.commands.items()
            if any("--json" in getattr(p, "opts", ()) for p in command.params)}


def test_every_json_command_has_its_shape_documented_and_nothing_else_is():
    assert set(documented_shapes()) == json_commands() == set(JSON_ARGS)


@pytest.mark.parametrize("command", sorted(JSON_ARGS))
def test_json_output_has_exactly_the_documented_shape(scratch_db, command):
    for setup in JSON_SETUP.get(command, []):
        assert invoke(*setup, "--db", scratch_db).exit_code == 0
    # generate reads no store: it writes files.
    where = (["--out", scratch_db.parent / "generated"] if command == "generate"
             else ["--db", scratch_db])
    result = invoke(command, *JSON_ARGS[command], "--json", *where)
    assert result.exit_code == 0, result.output
    shape = documented_shapes()[command]
    seen: set[str] = set()
    errors = check(json.loads(result.output), shape, command, seen)
    assert not errors, "\n".join(errors)
    # An empty list checks nothing: the demo must show every documented object at least once.
    unseen = {f"{command}{p}" for p in object_paths(shape)} - seen
    assert not unseen, f"the demo shows none of {sorted(unseen)}"


def test_a_renamed_or_dropped_field_fails_the_check():
    shape = parse_shape("{counts: {people, contacted}, top: [{key, name}]}")
    good = {"counts": {"people": 1, "contacted": 0}, "top": [{"key": "k", "name": "n"}]}
    assert check(good, shape, "x", set()) == []
    renamed = {"counts": {"people": 1, "reached": 0}, "top": [{"key": "k", "name": "n"}]}
    assert check(renamed, shape, "x", set()) == ["x.counts.contacted: documented, missing",
                                                  "x.counts.reached: not documented"]


# -- every command runs ---------------------------------------------------------------------

def _import(db: Path, tmp_path: Path) -> None:
    talk = tmp_path / "talk.yaml"
    talk.write_text("- date: 2026-11-20\n  organizer: Maya Ortiz\n  campaign: st-lukes-nurses\n"
                    "  contact: {name: Zoe New, unit: ICU}\n")
    result = invoke("import", talk, "--db", db)
    assert result.exit_code == 0 and "1 added, 0 replaced, 0 unchanged" in result.output, result.output
    assert "Zoe New" in invoke("search", "zoe", "--db", db).output


def _check(db: Path, tmp_path: Path) -> None:
    files = cli.demo_files()
    result = invoke("check", *files)
    assert result.exit_code == 0, result.output
    assert re.search(r"^\d+ valid, 0 invalid record\(s\)$", result.output, re.M), result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("- date: 2026-11-20\n  organizer: Maya\n  contact: {name: Ana}\n  assessment: 9\n")
    result = invoke("check", bad)
    assert result.exit_code == 1 and "assessment" in result.output and "0 valid, 1 invalid" in result.output


def _stats(db: Path, tmp_path: Path) -> None:
    result = invoke("stats", "--db", db)
    assert result.exit_code == 0 and "conversation" in result.output and "Person" in result.output


def _export(db: Path, tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl"
    result = invoke("export", "-o", dump, "--db", db)
    conversations = json.loads(invoke("stats", "--json", "--db", db).output)["records"]["conversation"]
    assert result.exit_code == 0 and f"records written to {dump}" in result.output
    kinds = [json.loads(line)["record_type"] for line in dump.read_text().splitlines()]
    assert kinds.count("conversation") == conversations


def _schema(db: Path, tmp_path: Path) -> None:
    schema = json.loads(invoke("schema", "--kind", "roster").output)
    assert "unit" in schema["properties"]


def _duplicates(db: Path, tmp_path: Path) -> None:
    result = invoke("duplicates", "--threshold", "50", "--db", db)
    assert result.exit_code == 0 and "Possible duplicates" in result.output


def _alias(db: Path, tmp_path: Path) -> None:
    before = json.loads(invoke("stats", "--json", "--db", db).output)["nodes"]["Issue"]
    result = invoke("alias", "issue", "lack of breaks", "short staffing", "--db", db)
    assert result.exit_code == 0, result.output
    assert "issue 'lack of breaks' now means 'short staffing' in st-lukes-nurses" in result.output
    assert json.loads(invoke("stats", "--json", "--db", db).output)["nodes"]["Issue"] == before - 1


def _rebuild_read_model(db: Path, tmp_path: Path) -> None:
    before = invoke("follow-ups", "--today", TODAY, "--json", "--db", db).output
    with sqlite3.connect(db) as conn:  # a read model lost: what the command repairs
        conn.execute("DELETE FROM rm_items")
    assert invoke("follow-ups", "--today", TODAY, "--json", "--db", db).output != before
    result = invoke("rebuild-read-model", "--db", db)
    assert result.exit_code == 0, result.output
    assert "Rebuilt the read model of" in result.output and "in 1 campaign(s)" in result.output
    assert invoke("follow-ups", "--today", TODAY, "--json", "--db", db).output == before
    result = invoke("rebuild-read-model", "--campaign", "st-lukes-nurses", "--db", db)
    assert result.exit_code == 0 and "in 1 campaign(s)" in result.output


def _search(db: Path, tmp_path: Path) -> None:
    result = invoke("search", "lopez", "--db", db)
    assert result.exit_code == 0 and "Ana Lopez" in result.output


def _person(db: Path, tmp_path: Path) -> None:
    result = invoke("person", "ana lopez", "--db", db)
    assert result.exit_code == 0 and "2026-09-14 with Maya Ortiz" in result.output
    assert "555" not in result.output


def _generate(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "generated"
    result = invoke("generate", "--people", "50", "--seed", "3", "--out", out)
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} >= {"conversations.jsonl", "roster.csv", "hierarchy.csv",
                                               "ties.csv"}
    assert invoke("check", *sorted(out.iterdir())).exit_code == 0


def _reset(db: Path, tmp_path: Path) -> None:
    refused = invoke("reset", "--db", db)
    assert refused.exit_code == 2 and "--yes" in refused.output
    assert json.loads(invoke("stats", "--json", "--db", db).output)["records"]
    result = invoke("reset", "--yes", "--db", db)
    assert result.exit_code == 0 and f"Emptied embedded file {db}" in result.output
    assert json.loads(invoke("stats", "--json", "--db", db).output)["records"] == {}


def _log(db: Path, tmp_path: Path) -> None:
    result = invoke("log", "Ana Lopez", "--attempt", "no-answer", "--db", db)
    assert result.exit_code == 0 and "attempt (no-answer) — Ana Lopez" in result.output, result.output
    assert "attempt (no-answer)" in invoke("person", "Ana Lopez", "--db", db).output


def _assign(db: Path, tmp_path: Path) -> None:
    result = invoke("assign", "--from", "ask-queue", "--limit", "3", "--to", "Maya Ortiz", "--db", db)
    assert result.exit_code == 0 and "3 contact(s) assigned to Maya Ortiz" in result.output, result.output


def _unassign(db: Path, tmp_path: Path) -> None:
    invoke("assign", "Ana Lopez", "--to", "Maya Ortiz", "--db", db)
    result = invoke("unassign", "Ana Lopez", "--db", db)
    assert result.exit_code == 0 and "1 contact(s) unassigned" in result.output, result.output


def _my_list(db: Path, tmp_path: Path) -> None:
    invoke("assign", "Ana Lopez", "--to", "Maya Ortiz", "--db", db)
    result = invoke("my-list", "--organizer", "Maya Ortiz", "--today", TODAY, "--db", db)
    assert result.exit_code == 0 and "My list — Maya Ortiz: 1 contact(s)" in result.output, result.output


def _delete(db: Path, tmp_path: Path) -> None:
    before = json.loads(invoke("stats", "--json", "--db", db).output)["records"]["conversation"]
    result = invoke("delete", "2026-09-14-ana-lopez", "--yes", "--db", db)
    assert result.exit_code == 0 and "Deleted 1 conversation record" in result.output, result.output
    assert "ana" not in result.output.lower()
    after = json.loads(invoke("stats", "--json", "--db", db).output)["records"]["conversation"]
    assert after == before - 1


def _table(command: str, *args: str, title: str) -> Callable[[Path, Path], None]:
    def run(db: Path, tmp_path: Path) -> None:
        result = invoke(command, *args, "--db", db)
        assert result.exit_code == 0, result.output
        assert title in result.output
    return run


def _demo(db: Path, tmp_path: Path) -> None:
    # Loading the demo again into its own file changes nothing.
    result = invoke("demo", "--no-server", "--db", db)
    assert result.exit_code == 0 and "0 added, 0 replaced" in result.output, result.output


def _dashboard(db: Path, tmp_path: Path) -> None:
    # Without MAPPER_USERS no one could sign in: the command says so and serves nothing.
    result = runner.invoke(cli.app, ["dashboard", "--db", str(db)], env={"MAPPER_USERS": None})
    assert result.exit_code == 2 and "MAPPER_USERS" in result.output, result.output


def _mapping(db: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "members.csv"
    sheet.write_text("First Name;Last Name;E-mail;Emp #;Shfit\nAna;Lopez;ana@example.org;E1;days\n")
    saved = tmp_path / "map.yaml"
    result = invoke("mapping", "suggest", sheet, "--out", saved)
    assert result.exit_code == 0 and "first_name" in result.output, result.output
    assert "did you mean shift?" in result.output
    as_json = json.loads(invoke("mapping", "suggest", sheet, "--json").output)
    assert as_json["mapping"]["columns"]["Emp #"] == "custom_id" and as_json["problems"] == []
    assert invoke("import", sheet, "--mapping", saved, "--db", db).exit_code == 0


def _serve_command(db: Path, tmp_path: Path) -> None:
    # Without a secret key shared by the workers, or without anyone to sign in, nothing starts
    # (tests/test_serve_gunicorn.py runs the real server).
    result = runner.invoke(cli.app, ["serve", "--db", str(db)], env={"MAPPER_SECRET_KEY": None})
    assert result.exit_code == 2 and "MAPPER_SECRET_KEY is not set" in result.output, result.output
    result = runner.invoke(cli.app, ["serve", "--db", str(db)], env={"MAPPER_SECRET_KEY": "k" * 64})
    assert result.exit_code == 2 and "no users can sign in" in result.output, result.output


PASS = "a long enough passphrase\n"


def _users_command(db: Path, tmp_path: Path) -> None:
    def run(*args: str, stdin: str | None = None):
        return runner.invoke(cli.app, ["users", *args, "--db", str(db)], input=stdin)

    added = run("add", "maya", "--role", "organizer", "--organizer", "Maya Ortiz", stdin=PASS)
    assert added.exit_code == 0 and "maya: organizer (Maya Ortiz)" in added.output, added.output
    assert run("add", "sam", "--role", "viewer", stdin="short\n").exit_code == 1
    assert run("add", "maya", "--role", "viewer", stdin=PASS).exit_code == 1  # taken
    assert run("add", "pat", "--role", "viewer", stdin=PASS).exit_code == 0
    assert "pat: planner" in run("set-role", "pat", "planner").output
    assert run("reset-password", "pat", stdin="another long passphrase\n").exit_code == 0
    made = runner.invoke(cli.app, ["tokens", "create", "pat", "--db", str(db)])
    assert made.exit_code == 0, made.output
    assert "disabled" in run("disable", "pat").output
    assert run("enable", "pat").exit_code == 0
    listed = runner.invoke(cli.app, ["tokens", "list", "--json", "--db", str(db)])
    pats = [t for t in json.loads(listed.output)["tokens"] if t["username"] == "pat"]
    assert len(pats) == 1 and pats[0]["revoked"] is not None  # enabled again, not revived
    imported = run("import", str(ROOT / "tests" / "data" / "users.yaml"))
    assert "1 user(s) imported, 1 already in the store kept" in imported.output, imported.output
    # A file imported again over the store replaces roles and hashes, not a deactivation.
    assert "disabled" in run("disable", "maya").output
    again = run("import", str(ROOT / "tests" / "data" / "users.yaml"), "--replace")
    assert "2 user(s) imported" in again.output, again.output
    assert {u["username"]: u["active"] for u in json.loads(run("list", "--json").output)["users"]
            } == {"lead": True, "maya": False, "pat": True}
    assert run("enable", "maya").exit_code == 0
    listed = json.loads(run("list", "--json").output)["users"]
    assert [u["username"] for u in listed] == ["lead", "maya", "pat"]
    assert "hash" not in json.dumps(listed)
    assert "planner" in run("list").output


def test_users_import_of_a_broken_yaml_file_names_its_line_never_its_text(tmp_path):
    broken = tmp_path / "users.yaml"
    broken.write_text("users:\n  - {username: maya, role: admin, password_hash: "
                      '"scrypt$SECRETHASH"\n  - [\n')
    result = runner.invoke(cli.app, ["users", "import", str(broken), "--db",
                                     str(tmp_path / "s.db")])
    assert result.exit_code == 1
    assert f"{broken}:3: not valid YAML" in " ".join(result.output.split()), result.output
    assert "SECRETHASH" not in result.output


def _audit_command(db: Path, tmp_path: Path) -> None:
    runner.invoke(cli.app, ["users", "add", "sam", "--role", "viewer", "--db", str(db)], input=PASS)
    result = invoke("audit", "--user", "cli", "--since", "2020-01-01", "--db", db)
    assert result.exit_code == 0 and "user_added" in result.output and "sam" in result.output
    assert invoke("audit", "--since", "yesterday", "--db", db).exit_code == 2


def _tokens_command(db: Path, tmp_path: Path) -> None:
    runner.invoke(cli.app, ["users", "add", "maya", "--role", "organizer", "--organizer",
                            "Maya Ortiz", "--db", str(db)], input=PASS)
    made = invoke("tokens", "create", "maya", "--label", "phone form", "--db", db)
    assert made.exit_code == 0 and "not shown again" in made.output, made.output
    token = made.output.strip().splitlines()[-1]
    listed = json.loads(invoke("tokens", "list", "--json", "--db", db).output)["tokens"]
    assert [(t["username"], t["label"], t["revoked"]) for t in listed] == [("maya", "phone form", None)]
    assert token not in json.dumps(listed)
    assert invoke("tokens", "revoke", listed[0]["id"], "--db", db).exit_code == 0
    assert invoke("tokens", "revoke", listed[0]["id"], "--db", db).exit_code == 1  # already
    assert invoke("tokens", "create", "nobody", "--db", db).exit_code == 1
    # A token that may only post 1-on-1s (a form), listed with its scope; no other scope.
    made = invoke("tokens", "create", "maya", "--scope", "write", "--db", db)
    assert made.exit_code == 0 and "(organizer; write)" in made.output, made.output
    listed = json.loads(invoke("tokens", "list", "--json", "--db", db).output)["tokens"]
    assert [t["scopes"] for t in listed] == [["read", "write"], ["write"]]
    assert "write" in invoke("tokens", "list", "--db", db).output
    wrong = invoke("tokens", "create", "maya", "--scope", "admin", "--db", db)
    assert wrong.exit_code == 1 and "scope: read or write" in wrong.output, wrong.output


def _forget_command(db: Path, tmp_path: Path) -> None:
    assert invoke("forget", "Ana Lopez", "--db", db).exit_code == 2  # no --yes
    result = invoke("forget", "Ana Lopez", "--yes", "--db", db)
    assert result.exit_code == 0 and "record(s) deleted" in result.output, result.output
    assert "Ana Lopez" not in invoke("search", "lopez", "--db", db).output
    audit = json.loads(invoke("audit", "--json", "--db", db).output)["entries"]
    assert [e["action"] for e in audit] == ["person_forgotten"]
    assert "ana" not in json.dumps(audit).casefold()
    assert invoke("forget", "Ana Lopez", "--yes", "--db", db).exit_code == 1  # gone


#: Each command of `mapper --help`, and how it is run and checked on the demo.
RUNS: dict[str, Callable[[Path, Path], None]] = {
    "import": _import,
    "check": _check,
    "stats": _stats,
    "export": _export,
    "schema": _schema,
    "duplicates": _duplicates,
    "alias": _alias,
    "search": _search,
    "rebuild-read-model": _rebuild_read_model,
    "person": _person,
    "generate": _generate,
    "reset": _reset,
    "clusters": _table("clusters", title="Anger clusters"),
    "power": _table("power", title="Power map"),
    "ask-queue": _table("ask-queue", "--today", TODAY, "--limit", "5", title="Ready to ask"),
    "ladder": _table("ladder", "--today", TODAY, title="Ladder of engagement"),
    "talk-next": _table("talk-next", "--limit", "5", title="Organic leaders"),
    "follow-ups": _table("follow-ups", "--today", TODAY, title=f"Follow-ups on {TODAY}"),
    "structure": _table("structure", "--target", "0.6", title="Structure (target 60% supporters"),
    "overview": _table("overview", title="Top issues"),
    "log": _log,
    "assign": _assign,
    "unassign": _unassign,
    "my-list": _my_list,
    "delete": _delete,
    "demo": _demo,
    "dashboard": _dashboard,
    "mapping": _mapping,
    "serve": _serve_command,
    "users": _users_command,
    "audit": _audit_command,
    "tokens": _tokens_command,
    "forget": _forget_command,
}


def commands_in_help() -> list[str]:
    text = runner.invoke(cli.app, ["--help"], terminal_width=200).output
    panel = text[text.index("Commands"):]
    return re.findall(r"^│ ([a-z][\w-]*)\s", panel, re.M)


def test_every_command_in_help_is_run_by_a_test():
    listed = commands_in_help()
    assert len(listed) == len(typer.main.get_command(cli.app).commands)
    missing = sorted(set(listed) - set(RUNS))
    assert not missing, f"no test runs `mapper {missing[0]}`: add it to RUNS"
    assert not set(RUNS) - set(listed), "RUNS names a command that `mapper --help` does not list"


@pytest.mark.parametrize("command", sorted(RUNS))
def test_every_command_runs_on_the_demo(scratch_db, tmp_path, command):
    RUNS[command](scratch_db, tmp_path)


# -- what a list from a new process loads -----------------------------------------------------

def test_a_list_from_a_new_process_imports_none_of_the_heavy_libraries_it_does_not_use(demo_db):
    # Each of these took 0.05-0.15 s of a command's start (the 1 s target for the lists):
    # graph searches, the dashboard, spreadsheets, contact checks, the other store's driver.
    import os
    import subprocess
    import sys

    heavy = ["igraph", "networkx", "dash", "plotly", "pandas", "openpyxl", "phonenumbers",
             "email_validator", "pydantic_settings", "neo4j"]
    script = (f"import sys; from mapper.cli import app\n"
              f"for command in (['follow-ups'], ['ask-queue', '--limit', '20', '--json']):\n"
              f"    try: app([*command, '--db', {str(demo_db)!r}, '--today', {TODAY!r}])\n"
              f"    except SystemExit as exit: assert not exit.code, exit.code\n"
              f"print(sorted(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)")
    env = {k: v for k, v in os.environ.items() if k != "NEO4J_URI"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={**env, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "mapper log PERSON --done ID" in done.stdout and '"name"' in done.stdout  # both ran
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr


def test_a_kept_whole_graph_answer_from_a_new_process_imports_no_graph_library(scratch_db):
    # networkx alone was 0.1-0.15 s of `mapper power --json`'s start, for an answer computed
    # by another process; what is written is the kept answer, the same as it was computed.
    import os
    import subprocess
    import sys

    kept = {c: json.loads(invoke(c, "--json", "--fresh", "--db", scratch_db).output)
            for c in ("power", "clusters", "talk-next")}
    script = (f"import sys; from mapper.cli import app\n"
              f"try: app([sys.argv[1], '--json', '--db', {str(scratch_db)!r}])\n"
              f"except SystemExit as exit: assert not exit.code, exit.code\n"
              f"print(sorted(m for m in ('igraph', 'networkx') if m in sys.modules), "
              f"file=sys.stderr)")
    env = {k: v for k, v in os.environ.items() if k != "NEO4J_URI"}
    for command, whole in kept.items():
        done = subprocess.run([sys.executable, "-c", script, command], capture_output=True,
                              text=True, env={**env, "PYTHONPATH": str(ROOT)}, timeout=120)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == whole
        assert done.stderr.strip().splitlines()[-1] == "[]", (command, done.stderr)


def test_search_shows_the_key_that_tells_two_people_of_one_name_apart(tmp_path):
    """Two people of one name, each known by a custom id: found by name, each with the key a
    command takes as her name (`mapper assign "#..."`), which reaches her alone."""
    from mapper.models import RosterRow
    from mapper.projection import identity_key
    from mapper.stores.sqlite import SQLiteStore

    db = tmp_path / "ids.db"
    with SQLiteStore(db) as store:
        store.write([RosterRow(name="Ben Ortiz", custom_id=i, campaign="c")
                     for i in ("E-2", "E-3")])
    refs = [identity_key("c", i).split(":", 2)[2] for i in ("E-2", "E-3")]
    found = invoke("search", "ortiz", "--db", db).output
    assert found.count("Ben Ortiz") == 2 and all(r in found for r in refs)
    assert invoke("assign", "Ben Ortiz", "--to", "Maya Ortiz", "--db", db).exit_code != 0
    result = invoke("assign", refs[1], "--to", "Maya Ortiz", "--db", db)
    assert result.exit_code == 0, result.output
    with SQLiteStore(db) as store:
        assert store.assignees("c") == {identity_key("c", "E-3"): "Maya Ortiz"}
