"""A person assigned twice: an alias joins two spellings of her, each assigned to an organizer.
A new assignment reassigns (one record per person), so the latest is hers, wherever it is
read: the snapshot (every whole-graph answer), My list from the read model, and the store's
list of assignees (the Ready list's "Assigned to"). On both stores (the ``store`` fixture)."""

from __future__ import annotations

import datetime as dt

from mapper.analytics.my_list import my_list
from mapper.models import AliasRow, Assignment
from tests.records import CAMPAIGN, conversation

TODAY = dt.date(2026, 10, 20)
ANA = f"person:{CAMPAIGN}:ana lopez"


def _joined(store, first: dict, then: dict) -> None:
    """Ana under two spellings, each assigned (``first`` to "Ana L" before the alias joins
    them, ``then`` to "Ana Lopez" after)."""
    store.write([conversation("Ana Lopez", "2026-10-01", id="c1", organizer="Maya Ortiz"),
                 conversation("Ana L", "2026-10-01", id="c2", organizer="Sam Lee"),
                 Assignment(person="Ana L", campaign=CAMPAIGN, **first)])
    store.write([AliasRow(kind="person", alias="Ana L", canonical="Ana Lopez",
                          campaign=CAMPAIGN)])
    store.write([Assignment(person="Ana Lopez", campaign=CAMPAIGN, **then)])
    assert len(list(store.iter_records(CAMPAIGN, "assignment"))) == 2


def _lists(store) -> dict[str, tuple[list[str], list[str]]]:
    def names(found):
        return [c["name"] for o in found["organizers"] for c in o["contacts"]]
    snapshot = store.snapshot(CAMPAIGN)
    return {org: (names(store.my_list(CAMPAIGN, today=TODAY, organizer=org)),
                  names(my_list(snapshot, today=TODAY, organizer=org)))
            for org in ("Maya Ortiz", "Sam Lee")}


def test_the_latest_of_her_two_assignments_is_hers_on_every_list(store):
    _joined(store, {"organizer": "Sam Lee", "date": dt.date(2026, 10, 2)},
            {"organizer": "Maya Ortiz", "date": dt.date(2026, 10, 5)})
    # (The read model listed her on both organizers' lists; the snapshot on Sam Lee's, the
    # organizer whose key sorts last, whatever the dates.)
    assert _lists(store) == {"Maya Ortiz": (["Ana Lopez"], ["Ana Lopez"]),
                             "Sam Lee": ([], [])}
    assert store.snapshot(CAMPAIGN).assignments[ANA].organizer == f"organizer:{CAMPAIGN}:maya ortiz"
    assert store.assignees(CAMPAIGN) == {ANA: "Maya Ortiz"}


def test_an_undated_assignment_beside_a_dated_one_is_the_older(store):
    """(Sorting the two failed: a date against none. Every whole-graph answer of the
    campaign failed with it.)"""
    _joined(store, {"organizer": "Sam Lee", "date": dt.date(2026, 10, 2)},
            {"organizer": "Sam Lee"})
    assert store.snapshot(CAMPAIGN).assignments[ANA].date == dt.date(2026, 10, 2)
    assert store.assignees(CAMPAIGN) == {ANA: "Sam Lee"}
    assert _lists(store)["Sam Lee"] == (["Ana Lopez"], ["Ana Lopez"])
