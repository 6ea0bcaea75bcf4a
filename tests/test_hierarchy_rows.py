"""A row of the hierarchy writes over its decision maker's name and title; deleted, or moved
elsewhere by an alias, it leaves him as if it had never been written (the power page showed
the title of a row deleted until the campaign was projected again), on both stores."""

from __future__ import annotations

from mapper.projection import record_id
from tests.records import CAMPAIGN, alias, conversation, hierarchy
from tests.test_alias_moves import _as_the_whole_campaign_again

CARL = f"dm:{CAMPAIGN}:carl reyes"
NAMED = {"named": [{"issue": "short staffing",
                    "decision_maker": {"name": "carl reyes", "title": "Manager"}}]}


def shown(store) -> dict[str, tuple]:
    """``{decision maker: (name, title, organization)}`` as the graph shows each, checked
    against the power map (the read model's ranking shows his name and title too)."""
    out = {r[0]: tuple(r[1:]) for r in store.snapshot_rows(CAMPAIGN).decision_makers}
    for ranked in store.power_ranking(CAMPAIGN)["decision_makers"]:
        assert (ranked["name"], ranked["title"]) == out[ranked["key"]][:2]
    return out


def test_a_deleted_row_of_the_hierarchy_leaves_the_title_the_1_on_1_gives(store):
    row = hierarchy("Carl Reyes", None, "CNO")
    store.write([conversation("Ana Lopez", responsibility=NAMED), row])
    assert shown(store)[CARL] == ("Carl Reyes", "CNO", "St. Luke's")
    store.delete([record_id(row)])
    assert shown(store)[CARL] == ("carl reyes", "Manager", None)
    _as_the_whole_campaign_again(store)


def test_a_merged_decision_makers_other_row_gives_his_title_back_when_the_last_goes(store):
    """Two spellings an alias joins, each with its row: the last in the campaign's order
    writes over him; deleted, the other one's title is his again; both deleted, the 1-on-1's."""
    store.write([conversation("Ana Lopez", responsibility=NAMED),
                 alias("decision_maker", "Carl R", "Carl Reyes"),
                 hierarchy("Carl R", None, "Director")])
    last = hierarchy("Carl Reyes", None, "CNO")
    store.write([last])
    assert shown(store)[CARL][:2] == ("Carl Reyes", "CNO")
    store.delete([record_id(last)])
    assert shown(store)[CARL][:2] == ("Carl Reyes", "Director")
    _as_the_whole_campaign_again(store)
    store.delete([record_id(hierarchy("Carl R"))])
    assert shown(store)[CARL] == ("Carl Reyes", "Manager", None)
    _as_the_whole_campaign_again(store)


def test_a_row_an_alias_moves_away_takes_its_title_with_it(store):
    """An alias deleted, or pointed at another name, moves a spelling's row off the decision
    maker it merged: his title is no longer that row's."""
    merged = alias("decision_maker", "Carl R", "Carl Reyes")
    store.write([conversation("Ana Lopez", responsibility=NAMED), merged,
                 hierarchy("Carl R", None, "Director")])
    assert shown(store)[CARL][:2] == ("Carl Reyes", "Director")
    store.write([alias("decision_maker", "Carl R", "Dana Park")])
    dms = shown(store)
    assert (dms[CARL], dms[f"dm:{CAMPAIGN}:dana park"][:2]) == (
        ("carl reyes", "Manager", None), ("Dana Park", "Director"))
    _as_the_whole_campaign_again(store)
    store.write([merged])
    store.delete([record_id(merged)])
    dms = shown(store)
    assert (dms[CARL], dms[f"dm:{CAMPAIGN}:carl r"][:2]) == (
        ("carl reyes", "Manager", None), ("Carl R", "Director"))
    _as_the_whole_campaign_again(store)
