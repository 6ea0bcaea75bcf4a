"""Step 4's two answers in a person's history: what the boss would say and how the collective
would answer (personal: its organizer and admins only, `mapper person --private`), and the date
set for the next conversation (a plain date, shown to all who see the person)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dashboard.app import create_app
from dashboard.pages import person
from mapper.cli import app as cli
from mapper.stores.sqlite import SQLiteStore
from tests.records import CAMPAIGN, conversation, small_campaign
from tests.test_dashboard_person import ADMIN, ANA, DEV, MAYA, USERS, signed_in_as, text

BOSS = "BOSS-WORDS: they'd say there is no budget; we'd show them the agency bill"
runner = CliRunner()


def _talk():
    return conversation("Ana Lopez", "2026-11-25",
                        plan={"answer_to_boss": BOSS, "next_talk": "2026-12-05",
                              "wants_to_talk_again": True})


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "s.db"
    store = SQLiteStore(path)
    store.write(small_campaign() + [_talk()])
    store.close()
    return path


def test_mapper_person_shows_the_next_talk_and_the_boss_answer_only_with_private(db):
    plain = runner.invoke(cli, ["person", "Ana Lopez", "--db", str(db)], env={"COLUMNS": "200"})
    assert plain.exit_code == 0, plain.output
    assert "next conversation 2026-12-05" in plain.output
    assert "BOSS-WORDS" not in plain.output
    private = runner.invoke(cli, ["person", "Ana Lopez", "--private", "--db", str(db)],
                            env={"COLUMNS": "300"})
    assert "BOSS-WORDS" in private.output.replace("\n", " ")


def test_mapper_person_json_carries_next_talk_and_leaves_the_words_out(db):
    out = runner.invoke(cli, ["person", "Ana Lopez", "--json", "--db", str(db)])
    [talk] = [r for r in json.loads(out.output)
              if r["record_type"] == "conversation" and r["date"] == "2026-11-25"]
    assert talk["plan"]["next_talk"] == "2026-12-05"
    assert "answer_to_boss" not in talk["plan"]
    private = runner.invoke(cli, ["person", "Ana Lopez", "--json", "--private", "--db", str(db)])
    assert BOSS in private.output


@pytest.fixture
def dash_app(tmp_path):
    store = SQLiteStore(tmp_path / "d.db")
    store.write(small_campaign() + [_talk()])
    yield create_app(lambda: store, users=USERS)
    store.close()


def test_the_person_page_shows_both_to_her_organizer_and_the_date_only_to_another(dash_app):
    for user in (MAYA, ADMIN):
        with signed_in_as(dash_app, user):
            body = text(person.render_person(ANA, None))
        assert "BOSS-WORDS" in body and "Next conversation" in body and "2026-12-05" in body
    with signed_in_as(dash_app, DEV):
        body = text(person.render_person(ANA, None))
    assert "BOSS-WORDS" not in body
    assert "2026-12-05" in body and "what they said of the boss" in body
