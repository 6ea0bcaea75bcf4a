"""Who a record is (mapper.identity, issue #13 item 2): a name-only record joins the one person
of its name, and where several could be meant it is reported as ambiguous and kept apart."""

from __future__ import annotations

from mapper.identity import Identities
from mapper.models import OneOnOne, RosterRow

CAMPAIGN = "acme"


def _talk(name: str) -> OneOnOne:
    return OneOnOne.model_validate({"date": "2026-11-20", "organizer": "Maya Ortiz",
                                    "campaign": CAMPAIGN, "contact": {"name": name}})


def test_a_name_shared_by_a_person_with_an_id_and_one_without_is_ambiguous_not_merged():
    ids = Identities()
    ids.resolve(RosterRow(name="Ana Lopez", campaign=CAMPAIGN), "a.csv:2", "record 1")
    ids.resolve(RosterRow(name="Ana Lopez", custom_id="E-100", campaign=CAMPAIGN),
                "a.csv:3", "record 2")
    talk = ids.resolve(_talk("ana lopez"), "t.yaml:1", "record 1")
    assert talk.contact.custom_id is None  # not silently given E-100
    assert ids.report.ambiguous == 1 and ids.report.matched == 0
    notice = ids.report.notices[-1]
    assert notice.what == "ambiguous" and "2 people" in notice.detail
    assert "Ana" not in str(notice) and "E-100" not in str(notice)


def test_the_one_person_of_a_name_with_an_id_is_still_joined():
    ids = Identities()
    ids.resolve(RosterRow(name="Ana Lopez", custom_id="E-100", campaign=CAMPAIGN), "a", "r1")
    talk = ids.resolve(_talk("Ana  LOPEZ"), "t", "r1")
    assert talk.contact.custom_id == "E-100"
    assert (ids.report.matched, ids.report.ambiguous) == (1, 0)
