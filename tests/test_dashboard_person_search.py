"""The Person page's search answers while you type: a short pause after two letters is enough,
no Enter needed."""

from __future__ import annotations

import json

import plotly.utils
import pytest

from dashboard import ids
from dashboard.app import create_app
from dashboard.pages import person
from tests.records import CAMPAIGN, small_campaign
from tests.test_dashboard_callbacks import MAYA, USERS, VIEWER, signed_in_as


@pytest.fixture
def app(open_store_of_kind):
    store = open_store_of_kind("sqlite")
    store.write(small_campaign())
    return create_app(lambda: store, users=USERS)


def text(value) -> str:
    return json.dumps(value, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def _search_box(component):
    if getattr(component, "id", None) == ids.PERSON_SEARCH:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            found = _search_box(child)
            if found is not None:
                return found
    return None


def test_the_search_box_sends_what_is_typed_after_a_short_pause_not_only_on_enter(app):
    with signed_in_as(app, MAYA):
        box = _search_box(person.layout())
    # ``debounce=True`` would wait for Enter or blur; a number sends after that many ms.
    assert box is not None
    assert box.debounce is not True and isinstance(box.debounce, int)
    assert 100 <= box.debounce <= 600


def test_two_letters_find_people_and_one_letter_asks_for_more(app):
    with signed_in_as(app, MAYA):
        two = text(person.search("an", CAMPAIGN))
        one = text(person.search("a", CAMPAIGN))
        spaces = text(person.search(" a  ", CAMPAIGN))
        nobody = text(person.search("zz", CAMPAIGN))
        empty = person.search("", CAMPAIGN)
    assert "Ana Lopez" in two
    assert "Ana Lopez" not in one and "at least 2 letters" in one
    assert "Ana Lopez" not in spaces and "at least 2 letters" in spaces
    assert "No one found" in nobody
    assert empty is None


def test_a_viewer_still_finds_no_one(app):
    with signed_in_as(app, VIEWER):
        assert person.search("an", CAMPAIGN) is None
