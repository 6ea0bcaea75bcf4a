"""The command line, invoked in-process, checked by what the user sees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mapper.cli import app

runner = CliRunner()

TALKS = """\
- id: talk-1
  date: 2026-11-20
  organizer: Maya Ortiz
  campaign: c1
  contact: {name: Ana Lopez, unit: ICU, phone: "+1 555 0100"}
  issues: [{issue: short staffing, anger: 5, story: PRIVATE STORY}]
  ask: {asked: yes, action: come to the meeting, response: yes}
- id: talk-2
  date: 2026-11-21
  organizer: Maya Ortiz
  campaign: c1
  contact: {name: Ben Ortiz, unit: ER}
  issues: [{issue: Short-staffing, anger: 3}]
"""


def run(*args: str, db: Path):
    return runner.invoke(app, [*args, "--db", str(db)], catch_exceptions=False)


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "cli.db"


@pytest.fixture
def talks(tmp_path) -> Path:
    path = tmp_path / "talks.yaml"
    path.write_text(TALKS)
    return path


def test_import_then_stats_counts_the_graph(db, talks):
    result = run("import", str(talks), db=db)
    assert result.exit_code == 0, result.output
    assert "2 added, 0 replaced, 0 unchanged" in result.output
    stats = json.loads(run("stats", "--json", db=db).output)
    assert stats["records"] == {"conversation": 2}
    assert stats["nodes"]["Issue"] == 1
    assert stats["campaigns"] == ["c1"]


def test_importing_the_same_file_twice_gives_the_same_counts(db, talks):
    run("import", str(talks), db=db)
    first = run("stats", "--json", db=db).output
    again = run("import", str(talks), db=db)
    assert "0 added, 0 replaced, 2 unchanged" in again.output
    assert run("stats", "--json", db=db).output == first


def test_a_bad_record_exits_non_zero_names_record_and_field_and_writes_nothing(db, talks, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(TALKS.replace("anger: 3", "anger: loud"))
    result = run("import", str(talks), str(bad), db=db)
    assert result.exit_code == 1
    assert f"{bad}:8 (record 2): issues.0.anger: Input should be a valid integer" in result.output
    assert "nothing was written" in result.output
    assert json.loads(run("stats", "--json", db=db).output)["records"] == {}


def test_errors_never_echo_personal_details(db, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(TALKS.replace('phone: "+1 555 0100"', 'phone: ["+1 555 0100"]'))
    result = run("import", str(bad), db=db)
    assert result.exit_code == 1
    assert "contact.phone" in result.output and "555" not in result.output


def test_unparseable_file_is_reported_with_its_line(db, tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("- date: 2026-11-20\n  organizer: [unclosed\n")
    result = run("import", str(bad), db=db)
    assert result.exit_code == 1
    assert f"{bad}:3" in result.output and "not valid YAML" in result.output


def test_csv_with_flat_columns_imports_like_yaml(db, tmp_path):
    csv = tmp_path / "talks.csv"
    csv.write_text("id,date,organizer,campaign,contact.name,contact.unit,issues.0.issue,issues.0.anger,"
                   "issues.1.issue,issues.1.anger,plan.skills,ask.response\n"
                   "t1,2026-11-20,Maya,c1,Ana Lopez,ICU,short staffing,5,parking,3,spanish; art,yes\n")
    assert run("import", str(csv), db=db).exit_code == 0
    stats = json.loads(run("stats", "--json", db=db).output)
    assert stats["nodes"]["Issue"] == 2 and stats["nodes"]["Skill"] == 2


def test_export_then_import_into_a_new_store_gives_the_same_graph(db, talks, tmp_path):
    run("import", str(talks), db=db)
    dump = tmp_path / "dump.jsonl"
    dump.write_text("an older export\n")
    dump.chmod(0o644)
    run("export", "-o", str(dump), db=db)
    other = tmp_path / "other.db"
    assert run("import", str(dump), db=other).exit_code == 0
    assert run("stats", "--json", db=other).output == run("stats", "--json", db=db).output


def test_person_hides_personal_details_unless_asked(db, talks):
    run("import", str(talks), db=db)
    hidden = run("person", "ana lopez", "--json", db=db)
    assert "PRIVATE STORY" not in hidden.output and "555" not in hidden.output
    assert "short staffing" in hidden.output
    shown = run("person", "ana lopez", "--json", "--private", db=db)
    assert "PRIVATE STORY" in shown.output


def test_duplicates_reports_look_alikes_and_alias_merges_them(db, tmp_path):
    talks = tmp_path / "t.yaml"
    talks.write_text(TALKS.replace("Short-staffing", "short stafing"))
    run("import", str(talks), db=db)
    found = json.loads(run("duplicates", "--json", db=db).output)
    assert [{p["a_name"], p["b_name"]} for p in found["issue"]] == [{"short stafing", "short staffing"}]
    assert run("alias", "issue", "short stafing", "short staffing", db=db).exit_code == 0
    assert json.loads(run("stats", "--json", db=db).output)["nodes"]["Issue"] == 1


def test_schema_prints_the_record_json_schema(db):
    schema = json.loads(runner.invoke(app, ["schema"]).output)
    assert schema["required"] == ["date", "organizer", "contact"]
    assert "referrals" in schema["properties"]


def test_several_campaigns_need_a_choice(db, talks, tmp_path):
    run("import", str(talks), db=db)
    other = tmp_path / "o.yaml"
    other.write_text(TALKS.replace("campaign: c1", "campaign: c2").replace("talk-", "o-"))
    run("import", str(other), db=db)
    result = run("search", "ana", db=db)
    assert result.exit_code == 2 and "--campaign" in result.output
    assert "Ana Lopez" in run("search", "ana", "--campaign", "c2", db=db).output


def test_every_command_has_an_example_and_is_in_the_readme():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    import typer.main

    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        assert "Example:" in (command.help or ""), f"`mapper {name}` has no example in its help"
        assert f"mapper {name}" in readme, f"`mapper {name}` is not documented in README.md"


def test_two_records_with_one_id_in_an_import_are_an_error_not_a_silent_replace(db, tmp_path):
    talks = tmp_path / "dup.yaml"
    talks.write_text(TALKS.replace("id: talk-2", "id: talk-1"))
    result = run("import", str(talks), db=db)
    assert result.exit_code == 1
    assert f"{talks}:8 (record 2): id: the same record id appears at {talks}:1" in result.output
    assert json.loads(run("stats", "--json", db=db).output)["records"] == {}


def test_a_broken_json_line_is_one_rejected_record_and_the_rest_of_the_file_still_counts(db, tmp_path):
    lines = tmp_path / "talks.jsonl"
    good = '{"date": "2026-11-%02d", "organizer": "Maya", "contact": {"name": "P%d"}}'
    lines.write_text("\n".join([good % (1, 1), '{"date": ', good % (3, 3)]) + "\n")
    strict = run("import", str(lines), "-c", "c1", db=db)
    assert strict.exit_code == 1 and f"{lines}:2 (record 2): (line): not valid JSON" in strict.output
    rejected = tmp_path / "rejected.jsonl"
    result = run("import", str(lines), "-c", "c1", "--skip-invalid", "--rejected", str(rejected), db=db)
    assert "2 added" in result.output and "1 record(s) rejected" in result.output
    assert "saved to" not in result.output  # nothing savable: the line was not a record


def test_csv_columns_that_clash_name_the_file_line_and_column(db, tmp_path):
    csv = tmp_path / "talks.csv"
    csv.write_text("date,organizer,contact,contact.name\n2026-11-20,Maya,x,Ana\n")
    result = run("import", str(csv), db=db)
    assert result.exit_code == 1
    assert f"{csv}:2 (record 1): (line): column 'contact.name' clashes with another column" in result.output


def test_a_file_that_is_not_utf8_says_so_with_its_name(db, tmp_path):
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("- date: 2026-11-20\n  organizer: José\n  contact: {name: Ana}\n".encode("latin-1"))
    result = run("import", str(latin), db=db)
    assert result.exit_code == 1 and f"{latin} (file): not UTF-8 text" in result.output


def test_a_missing_file_or_a_folder_is_named_and_nothing_is_written(db, talks, tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    result = run("import", str(talks), str(tmp_path / "nope.yaml"), str(folder), db=db)
    assert result.exit_code == 1
    assert f"{tmp_path / 'nope.yaml'} (file): no such file" in result.output
    assert f"{folder} (file): a folder, not a file" in result.output
    assert "2 unreadable file(s); nothing was written" in result.output
    assert "Person" not in run("stats", db=db).output


def test_an_error_never_shows_a_record_id(db, tmp_path):
    story = "She told me the night nurse left the ward alone for three hours " * 3
    lines = tmp_path / "talks.jsonl"
    lines.write_text(json.dumps({"id": story, "date": "2026-11-20", "organizer": "Maya",
                                 "contact": {"name": "Ana"}, "issues": [{"issue": "pay", "anger": 9}]}) + "\n")
    result = run("import", str(lines), "-c", "c1", db=db)
    assert result.exit_code == 1 and "issues.0.anger" in result.output
    assert "She told" not in result.output and "(record 1)" in result.output


def test_store_and_rejected_files_are_readable_by_their_owner_only(db, talks, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(TALKS.replace("anger: 3", "anger: 9"))
    rejected = tmp_path / "rejected.jsonl"
    rejected.write_text("left over from an earlier import\n")
    rejected.chmod(0o644)
    run("import", str(bad), "--skip-invalid", "--rejected", str(rejected), db=db)
    dump = tmp_path / "dump.jsonl"
    dump.write_text("an older export\n")
    dump.chmod(0o644)
    run("export", "-o", str(dump), db=db)
    for path in (db, rejected, dump):
        assert path.stat().st_mode & 0o077 == 0, f"{path.name} is readable by others"


def test_a_rejected_file_that_cannot_be_written_is_named_and_nothing_is_written(db, talks,
                                                                                 tmp_path):
    run("import", str(talks), db=db)
    bad = tmp_path / "bad.yaml"
    bad.write_text(TALKS.replace("id: talk-1", "id: talk-3").replace("anger: 3", "anger: 9"))
    nowhere = tmp_path / "no such folder" / "rejected.jsonl"
    result = run("import", str(bad), "--skip-invalid", "--rejected", str(nowhere), db=db)
    assert result.exit_code == 1
    assert f"{nowhere} (file): the rejected records cannot be saved there" in result.output
    assert "nothing was written" in result.output and "PRIVATE STORY" not in result.output
    assert json.loads(run("stats", "--json", db=db).output)["records"] == {"conversation": 2}


def test_the_demo_refuses_to_listen_beyond_this_machine(tmp_path):
    result = runner.invoke(app, ["demo", "--db", str(tmp_path / "d.db"), "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "signs everyone in as admin" in result.output
    assert not (tmp_path / "d.db").exists()


def test_the_answers_take_today_from_the_same_clock_as_log_and_assign(db, talks, monkeypatch):
    """MAPPER_TODAY sets today for every command: an item closed today leaves today's list."""
    assert run("import", str(talks), db=db).exit_code == 0
    monkeypatch.setenv("MAPPER_TODAY", "2026-11-25")
    result = run("follow-ups", "--json", db=db)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["today"] == "2026-11-25"
