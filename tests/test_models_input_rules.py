"""Rules for new input: conversation dates within 1900..tomorrow, no control characters in names."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from mapper import clock
from mapper.models import STORED, OneOnOne, RosterRow, Update

BASE = {"organizer": "Maya Ortiz", "contact": {"name": "Ana Lopez"}}


def talk(date: str, context=None, **fields) -> OneOnOne:
    return OneOnOne.model_validate({**BASE, "date": date, **fields}, context=context)


def errors(call) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as exc:
        call()
    return [(".".join(map(str, e["loc"])), e["msg"])
            for e in exc.value.errors(include_url=False, include_input=False)]


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv(clock.ENV, "2026-11-20")


def test_the_clock_is_set_by_mapper_today(monkeypatch):
    assert clock.today() == dt.date(2026, 11, 20) and clock.tomorrow() == dt.date(2026, 11, 21)
    monkeypatch.setenv(clock.ENV, "9999-12-31")
    assert clock.tomorrow() == dt.date.max
    monkeypatch.setenv(clock.ENV, "soon")
    with pytest.raises(ValueError, match="MAPPER_TODAY must be a date"):
        clock.today()
    monkeypatch.delenv(clock.ENV)
    assert clock.today() == dt.date.today()


@pytest.mark.parametrize("date", ["1900-01-01", "2026-11-20", "2026-11-21"])
def test_a_conversation_from_1900_to_tomorrow_is_taken(date):
    assert talk(date).date.isoformat() == date


@pytest.mark.parametrize("date", ["1899-12-31", "2026-11-22", "9999-12-31", "0001-01-01"])
def test_a_conversation_before_1900_or_after_tomorrow_is_refused_naming_the_date(date):
    assert errors(lambda: talk(date)) == [
        ("date", "a conversation date must be from 1900-01-01 to tomorrow (2026-11-21)")]


def test_due_dates_may_be_any_date():
    record = talk("2026-11-20", ask={"due": "9999-12-31"}, follow_up={"due": "0001-01-01"})
    assert record.ask.due == dt.date.max and record.follow_up.due == dt.date.min


def test_a_stored_record_is_read_back_whatever_the_clock_says():
    assert talk("9999-12-31", STORED, contact={"name": "Ana\x00"}).date == dt.date.max


@pytest.mark.parametrize("name", ["Ana\x00Lopez", "Ana\nLopez", "Ana\tLopez", "Ana\x1b[31m",
                                  "Ana\x7f", "Ana\x85Lopez", "\u202eAna", "Ana\u2028Lopez"])
def test_a_name_with_a_control_character_is_refused(name):
    assert errors(lambda: RosterRow(name=name)) == [
        ("name", "contains a control character (a tab, line break, NUL or the like); "
                 "a name is one line of plain text")]
    assert [f for f, _ in errors(lambda: talk("2026-11-20", contact={"name": name}))] == [
        "contact.name"]


def test_free_text_keeps_tabs_and_line_breaks_but_not_nul():
    assert talk("2026-11-20", notes="one\r\n\ttwo").notes == "one\r\n\ttwo"
    assert errors(lambda: talk("2026-11-20", notes="one\x00two")) == [
        ("notes", "contains a control character (like NUL); text may hold tabs and line "
                  "breaks, nothing else")]


def test_names_in_other_scripts_and_with_punctuation_are_fine():
    for name in ("José O'Neill-Smith", "李小龙", "محمد", "Ana (Night shift) #2"):
        assert RosterRow(name=name).name == name


@pytest.mark.parametrize("note", ["", "   ", "\n\t "])
def test_a_note_update_with_no_words_is_refused_naming_the_note(note):
    """Whatever sends it (mapper log --note, the API, an updates file): a note update is its
    note. One stored before the rule is still read back."""
    update = {"date": "2026-11-20", "person": "Ana Lopez", "update": "note", "note": note}
    assert [f for f, _ in errors(lambda: Update.model_validate(update))] == ["note"]
    assert Update.model_validate(update, context=STORED).note == ""

