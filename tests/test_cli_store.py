"""Which store a command uses: one rule for the CLI and for open_store(), said in --help."""

from __future__ import annotations

import json
import os

import pytest
import typer.main
from typer.testing import CliRunner

from mapper import cli
from mapper.bootstrap import STORE_RULE, describe, open_store

runner = CliRunner()

TALK = {"id": "t1", "date": "2026-11-20", "organizer": "Maya", "campaign": "store-rule",
        "contact": {"name": "Ana Lopez"}, "issues": [{"issue": "pay", "anger": 4}]}

# A port where nothing listens: Neo4j chosen here fails to connect, and says so.
NOWHERE = "bolt://127.0.0.1:9"

_GIVEN = {name: os.environ.get(name) for name in ("NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")}


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean environment: no store settings but those a test sets."""
    for name in ("MAPPER_DB", "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def test_with_mapper_db_and_neo4j_uri_set_the_cli_and_open_store_both_pick_neo4j(env, tmp_path):
    env.setenv("MAPPER_DB", str(tmp_path / "file.db"))
    env.setenv("NEO4J_URI", NOWHERE)
    result = runner.invoke(cli.app, ["stats"])
    assert result.exit_code == 2
    assert f"cannot open the store (Neo4j at {NOWHERE})" in result.output
    with pytest.raises(Exception, match="127.0.0.1:9"):
        open_store()
    assert not (tmp_path / "file.db").exists()


def test_an_explicit_db_flag_means_that_file_even_with_neo4j_uri_set(env, tmp_path, talks):
    env.setenv("NEO4J_URI", NOWHERE)
    env.setenv("MAPPER_DB", str(tmp_path / "other.db"))
    result = runner.invoke(cli.app, ["import", str(talks), "--db", str(tmp_path / "flag.db")])
    assert result.exit_code == 0, result.output
    assert f"(embedded file {tmp_path / 'flag.db'})" in result.output
    with open_store(str(tmp_path / "flag.db")) as store:
        assert store.counts()["records"] == {"conversation": 1}
    assert not (tmp_path / "other.db").exists()


def test_without_neo4j_uri_mapper_db_names_the_file_for_both(env, tmp_path, talks):
    env.setenv("MAPPER_DB", str(tmp_path / "env.db"))
    result = runner.invoke(cli.app, ["import", str(talks)])
    assert result.exit_code == 0 and f"(embedded file {tmp_path / 'env.db'})" in result.output
    with open_store() as store:
        assert describe(store) == f"embedded file {tmp_path / 'env.db'}"
        assert store.counts()["records"] == {"conversation": 1}


def test_every_db_option_states_the_rule():
    group = typer.main.get_command(cli.app)
    for name, command in group.commands.items():
        for param in command.params:
            if "--db" in getattr(param, "opts", ()):
                assert (STORE_RULE in param.help) or name == "demo", f"`mapper {name} --db` help"
                assert not param.envvar, f"`mapper {name} --db` reads an environment variable itself"
    readme = (cli.Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert STORE_RULE in " ".join(readme.replace("`", "").split()), "README.md does not state the rule"


@pytest.mark.neo4j
def test_with_both_set_import_and_open_store_meet_in_neo4j_named_by_its_address(env, tmp_path, talks,
                                                                              neo4j_uri):
    env.setenv("MAPPER_DB", str(tmp_path / "file.db"))
    env.setenv("NEO4J_URI", neo4j_uri)
    for name in ("NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):  # a server given to the run
        if _GIVEN.get(name):
            env.setenv(name, _GIVEN[name])
    with open_store() as store:
        store.clear()
    try:
        result = runner.invoke(cli.app, ["import", str(talks)])
        assert result.exit_code == 0, result.output
        assert f"1 added, 0 replaced, 0 unchanged (Neo4j at {neo4j_uri}" in result.output
        assert "embedded file" not in result.output
        with open_store() as store:
            assert describe(store).startswith(f"Neo4j at {neo4j_uri}")
            assert store.campaigns() == ["store-rule"]
        stats = json.loads(runner.invoke(cli.app, ["stats", "--json"]).output)
        assert stats["campaigns"] == ["store-rule"]
        reset = runner.invoke(cli.app, ["reset", "--yes"])
        assert reset.exit_code == 0 and f"Emptied Neo4j at {neo4j_uri}" in reset.output
        assert not (tmp_path / "file.db").exists()
    finally:
        with open_store() as store:
            store.clear()


@pytest.fixture
def talks(tmp_path):
    path = tmp_path / "talks.jsonl"
    path.write_text(json.dumps(TALK) + "\n")
    return path


READS = (["stats"], ["export"], ["duplicates"], ["search", "an"], ["person", "Ana Lopez"],
         ["rebuild-read-model"], ["ask-queue"], ["ladder"], ["follow-ups"], ["overview"],
         ["structure"], ["clusters"], ["power"], ["talk-next"], ["my-list"], ["tokens", "list"],
         ["users", "list"], ["audit"],
         # (They change what must already be there: a person, a record, a campaign, a token,
         # a user.)
         ["forget", "Ana Lopez", "--yes"], ["tokens", "revoke", "t1"],
         ["tokens", "create", "maya"], ["users", "disable", "maya"],
         ["users", "enable", "maya"], ["users", "set-role", "maya", "viewer"],
         ["log", "Ana Lopez", "--note", "n"], ["assign", "Ana Lopez", "--to", "Maya"],
         ["unassign", "Ana Lopez"], ["delete", "conversation:c:t1", "--yes"],
         ["alias", "issue", "OT", "overtime"])


@pytest.mark.parametrize("command", READS, ids=lambda c: c[0])
def test_a_command_that_reads_refuses_a_store_file_that_is_not_there(env, tmp_path, command):
    """A mistyped --db (or MAPPER_DB) says so, and leaves no empty store behind."""
    missing = tmp_path / "no such folder" / "campaign.db"
    result = runner.invoke(cli.app, [*command, "--db", str(missing)])
    assert result.exit_code == 2, result.output
    assert f"no store at {missing}" in " ".join(result.output.split())
    assert not missing.parent.exists()
    env.setenv("MAPPER_DB", str(tmp_path / "elsewhere.db"))
    result = runner.invoke(cli.app, command)
    assert result.exit_code == 2 and "no store at" in result.output
    assert not (tmp_path / "elsewhere.db").exists()


def test_a_command_that_writes_makes_the_store_file(env, tmp_path, talks):
    made = tmp_path / "new folder" / "campaign.db"
    result = runner.invoke(cli.app, ["import", str(talks), "--db", str(made)])
    assert result.exit_code == 0, result.output
    first = tmp_path / "server.db"  # a team server's first admin
    result = runner.invoke(cli.app, ["users", "add", "lead", "--role", "admin",
                                     "--password-stdin", "--db", str(first)],
                           input="a long enough password\n")
    assert result.exit_code == 0, result.output
    assert first.exists()
    result = runner.invoke(cli.app, ["stats", "--db", str(made), "--json"])
    assert result.exit_code == 0 and json.loads(result.output)
