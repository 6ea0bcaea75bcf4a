"""Stored values print as plain text: markup, emoji codes and links in names are shown as typed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mapper import cli

OPEN = "[/x]"
LINK = "[link=http://evil.example]y[/link]"
BOLD = "[bold]"
EMOJI = ":warning:"

PEOPLE = [f"Ana {OPEN} Lopez", f"Ben {LINK} Okafor", f"Cruz {BOLD} Diaz", f"Dee {EMOJI} Moss"]
ISSUES = [f"pay {OPEN}", f"ratios {LINK}", f"parking {BOLD}"]
BOSSES = [f"Carl {OPEN} Reyes", f"Janet {LINK} Kowalski", f"Hale {BOLD}"]
UNITS = [f"ICU {OPEN}", f"ER {LINK}"]
ORGANIZERS = [f"Maya {LINK} Ortiz", f"Raul {OPEN} Vega"]

#: Every hostile name, each of which some command prints.
NAMES = PEOPLE + ISSUES + BOSSES + UNITS + ORGANIZERS


def _talk(n: int, person: str, unit: str, organizer: str, response: str, assessment: int) -> dict:
    return {
        "id": f"talk-{n}", "date": f"2026-11-{10 + n:02d}", "organizer": organizer, "campaign": "c1",
        "contact": {"name": person, "unit": unit},
        "issues": [{"issue": issue, "anger": 5 - (i + n) % 2} for i, issue in enumerate(ISSUES)],
        "responsibility": {"named": [{"issue": issue, "decision_maker": {"name": boss, "title": "Boss"}}
                                     for issue, boss in zip(ISSUES, BOSSES)]},
        "plan": {"hope": 4, "wants_to_talk_again": True},
        "ask": {"asked": True, "action": "come to the meeting", "response": response,
                "due": "2026-11-28"},
        "follow_up": {"assignment": "keep a log", "due": "2026-11-25", "thank_you_sent": False},
        "assessment": assessment,
    }


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("markup")
    talks = [_talk(0, PEOPLE[0], UNITS[0], ORGANIZERS[0], "yes", 1),
             _talk(1, PEOPLE[1], UNITS[1], ORGANIZERS[1], "maybe", 2),
             _talk(2, PEOPLE[2], UNITS[0], ORGANIZERS[0], "no", 2)]
    (folder / "conversations.jsonl").write_text("\n".join(json.dumps(t) for t in talks) + "\n")
    roster = [(p, u) for p, u in zip(PEOPLE, UNITS * 2)] + [("Eve Stone", UNITS[1])]
    (folder / "roster.csv").write_text("name,unit,campaign\n" + "".join(
        f'"{p}","{u}",c1\n' for p, u in roster))
    (folder / "hierarchy.csv").write_text("name,title,reports_to,campaign\n" + "".join(
        f'"{boss}",Boss,"{BOSSES[2]}",c1\n' for boss in BOSSES[:2]) + f'"{BOSSES[2]}",CEO,,c1\n')
    (folder / "ties.csv").write_text("person,other,relationship,campaign\n"
                                     f'"{PEOPLE[0]}","{PEOPLE[3]}",coworker,c1\n'
                                     f'"{PEOPLE[3]}",Eve Stone,friend,c1\n')
    return _import(folder, folder / "markup.db")


def _import(folder: Path, db: Path) -> Path:
    result = CliRunner().invoke(cli.app, ["import", *(str(folder / f) for f in (
        "roster.csv", "hierarchy.csv", "ties.csv", "conversations.jsonl")), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def terminal(monkeypatch):
    """The CLI's consoles as on a colour terminal, where rich would write hyperlinks."""
    monkeypatch.setattr(cli, "out", cli.console(force_terminal=True, color_system="truecolor", width=500))
    monkeypatch.setattr(cli, "err", cli.console(stderr=True, force_terminal=True,
                                                color_system="truecolor", width=500))


#: Each command that prints stored names, and the names it must show as typed.
COMMANDS = {
    "search": (["search", "o"], PEOPLE),
    "person": (["person", PEOPLE[0]], ISSUES + ORGANIZERS[:1]),
    "duplicates": (["duplicates", "--threshold", "10"], PEOPLE + ISSUES + BOSSES),
    "overview": (["overview"], ISSUES),
    "clusters": (["clusters", "--min-anger", "1"], ISSUES + BOSSES + UNITS),
    "power": (["power"], ISSUES + BOSSES + PEOPLE[:1]),
    "ask-queue": (["ask-queue", "--today", "2026-11-30"], PEOPLE[1:3] + ISSUES + UNITS + ORGANIZERS),
    "ladder": (["ladder", "--today", "2026-11-30"], [PEOPLE[0], PEOPLE[3], UNITS[0]]),
    "talk-next": (["talk-next"], [PEOPLE[0], PEOPLE[3]] + UNITS),
    "follow-ups": (["follow-ups", "--today", "2026-11-30"], PEOPLE[:3] + ORGANIZERS),
    "structure": (["structure"], UNITS),
}


def _unstyled(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(cli.app, list(args), catch_exceptions=False)
    assert "\x1b]8;" not in result.output, "a stored value became a terminal hyperlink"
    return result.exit_code, _unstyled(result.output)


@pytest.mark.parametrize("command", COMMANDS)
def test_names_with_markup_print_as_typed_without_links(db, terminal, command):
    args, names = COMMANDS[command]
    code, output = _invoke(*args, "--db", str(db))
    assert code == 0, output
    missing = [n for n in names if n not in output]
    assert not missing, f"`mapper {command}` did not print {missing} as typed:\n{output}"
    assert "Ben y Okafor" not in output and "⚠" not in output


@pytest.mark.parametrize("command", ["clusters", "power", "overview", "ask-queue"])
def test_json_output_carries_the_names_as_typed(db, terminal, command):
    code, output = _invoke(*COMMANDS[command][0], "--json", "--db", str(db))
    assert code == 0
    assert all(n in json.dumps(json.loads(output)) for n in ISSUES)


def test_messages_show_markup_typed_by_the_user_as_typed(db, terminal, tmp_path):
    code, output = _invoke("search", "o", "--campaign", OPEN, "--db", str(db))
    assert code == 2 and f"no campaign '{OPEN}'" in output
    code, output = _invoke("person", LINK, "--db", str(db))
    assert code == 1 and f"No conversations with '{LINK}'" in output
    copy = tmp_path / "copy.db"
    _import(db.parent, copy)
    code, output = _invoke("alias", "issue", f"{BOLD} pay", ISSUES[0], "--db", str(copy))
    assert code == 0 and f"issue '{BOLD} pay' now means '{ISSUES[0]}' in c1" in output
