"""Server drafts of the 1-on-1 form: kept for their author only, on both stores, out of the
graph, the snapshot and exports. Each contract test runs on SQLite and on a real Neo4j."""

from __future__ import annotations

import json

import pytest

from mapper.drafts import MAX_DRAFTS, MemoryDrafts, drafts_for
from mapper.services import (NotAllowed, NotFound, ServiceError, delete_draft, list_drafts,
                             open_draft, save_draft)
from tests.records import CAMPAIGN, small_campaign

SECRET = "DRAFT-SECRET-STORY"
FORM = {"contact.name": "Ana Lopez", "contact.phone": "+1 555 0100",
        "issues.0.issue": "short staffing", "issues.0.story": SECRET,
        "self_care.tools_offered": ["breathing"], "issues.0.anger": 4, "notes": ""}


def user(username: str, role: str = "organizer", organizer: str | None = "Maya Ortiz"):
    from dashboard.users import User as DashUser

    return DashUser(username, role, organizer if role == "organizer" else None, "x")


MAYA, SAM, VIEWER = user("maya"), user("sam", organizer="Sam Lee"), user("vic", "viewer")


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        self.now += 1
        return self.now


def use_every_draft_query(store) -> None:
    """Run every query of the Neo4j draft store once (tests/test_queries.py checks them)."""
    drafts = drafts_for(store)
    d = drafts.save("maya", CAMPAIGN, {"contact.name": "Ana"})
    drafts.save("maya", CAMPAIGN, {"contact.name": "Ana B"}, d.id)
    drafts.list("maya")
    drafts.delete("maya", d.id)
    drafts.close()


def test_a_draft_is_saved_reopened_replaced_and_deleted_by_its_author(store) -> None:
    drafts = drafts_for(store, clock=Clock())
    saved = save_draft(drafts, MAYA, CAMPAIGN, FORM)
    assert saved.title == "Ana Lopez" and "notes" not in saved.values  # blanks not kept
    assert open_draft(drafts, MAYA, saved.id).values == {k: v for k, v in FORM.items() if v}
    again = save_draft(drafts, MAYA, CAMPAIGN, {**FORM, "contact.name": "Ana López"}, saved.id)
    assert again.id == saved.id
    assert [(d.id, d.title) for d in list_drafts(drafts, MAYA)] == [(saved.id, "Ana López")]
    other = save_draft(drafts, MAYA, "elsewhere", {"contact.name": "Ben"})
    assert [d.id for d in list_drafts(drafts, MAYA)] == [other.id, saved.id]  # newest first
    assert [d.id for d in list_drafts(drafts, MAYA, CAMPAIGN)] == [saved.id]
    assert delete_draft(drafts, MAYA, saved.id) is True
    assert delete_draft(drafts, MAYA, saved.id) is False
    with pytest.raises(NotFound):
        open_draft(drafts, MAYA, saved.id)
    drafts.close()


def test_a_draft_is_seen_by_its_author_only(store) -> None:
    drafts = drafts_for(store)
    mine = save_draft(drafts, MAYA, CAMPAIGN, FORM)
    assert list_drafts(drafts, SAM) == []
    with pytest.raises(NotFound) as refused:
        open_draft(drafts, SAM, mine.id)
    assert SECRET not in str(refused.value) and "Ana" not in str(refused.value)
    assert delete_draft(drafts, SAM, mine.id) is False
    # Saving "over" another's draft id makes a new draft of one's own, never replaces hers.
    theirs = save_draft(drafts, SAM, CAMPAIGN, {"contact.name": "Cruz"}, mine.id)
    assert theirs.id != mine.id
    assert open_draft(drafts, MAYA, mine.id).values["issues.0.story"] == SECRET
    with pytest.raises(NotAllowed):
        save_draft(drafts, VIEWER, CAMPAIGN, FORM)
    with pytest.raises(NotAllowed):
        list_drafts(drafts, VIEWER)
    drafts.close()


def test_drafts_stay_out_of_the_graph_the_snapshot_and_exports(store) -> None:
    store.write(small_campaign())
    drafts = drafts_for(store)
    save_draft(drafts, MAYA, CAMPAIGN, FORM)
    assert SECRET not in repr(store.snapshot(CAMPAIGN))
    exported = json.dumps([r.model_dump(mode="json") if hasattr(r, "model_dump") else repr(r)
                           for r in store.export()], default=str)
    assert SECRET not in exported and "Draft" not in exported
    assert store.counts(CAMPAIGN) == store.counts(CAMPAIGN)  # counts still answer
    assert SECRET not in json.dumps(store.counts(), default=str)
    drafts.close()


def test_drafts_survive_a_second_opening_of_the_store(store, tmp_path) -> None:
    drafts = drafts_for(store)
    d = save_draft(drafts, MAYA, CAMPAIGN, FORM)
    drafts.close()
    again = drafts_for(store)
    assert open_draft(again, MAYA, d.id).values["contact.name"] == "Ana Lopez"
    again.close()


def test_a_draft_that_is_not_a_form_is_refused_without_its_values() -> None:
    drafts = MemoryDrafts()
    for bad in ({"a": {"nested": SECRET}}, {"x" * 300: SECRET}, [SECRET],
                {"notes": [SECRET, 5]}):
        with pytest.raises(ServiceError) as e:
            save_draft(drafts, MAYA, CAMPAIGN, bad)
        assert SECRET not in str(e.value)
    for _ in range(MAX_DRAFTS):
        save_draft(drafts, MAYA, CAMPAIGN, {"contact.name": "A"})
    with pytest.raises(ServiceError):
        save_draft(drafts, MAYA, CAMPAIGN, {"contact.name": "one too many"})
