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
    drafts.forget(CAMPAIGN, lambda values: False)
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


def test_a_draft_older_than_the_maximum_age_is_deleted_when_drafts_are_listed_or_saved(store):
    clock = Clock()
    drafts = drafts_for(store, clock=clock, max_age_days=30)
    old = save_draft(drafts, MAYA, CAMPAIGN, FORM)
    clock.now += 20 * 86400
    newer = save_draft(drafts, SAM, CAMPAIGN, {"contact.name": "Cruz"})
    clock.now += 11 * 86400  # the first is 31 days old, the second 11
    assert list_drafts(drafts, MAYA) == []
    with pytest.raises(NotFound):
        open_draft(drafts, MAYA, old.id)
    assert [d.id for d in list_drafts(drafts, SAM)] == [newer.id]
    clock.now += 20 * 86400
    save_draft(drafts, MAYA, CAMPAIGN, {"contact.name": "Dee"})  # a save purges too
    assert drafts._rows("sam") == []
    drafts.close()


def test_the_maximum_age_of_drafts_is_set_by_the_environment(monkeypatch):
    from mapper.drafts import MAX_AGE_DAYS, DraftError, default_max_age_days

    monkeypatch.delenv("MAPPER_DRAFT_MAX_AGE_DAYS", raising=False)
    assert default_max_age_days() == MAX_AGE_DAYS == 30
    monkeypatch.setenv("MAPPER_DRAFT_MAX_AGE_DAYS", "7")
    assert MemoryDrafts().max_age == 7 * 86400
    for bad in ("soon", "0", "-3"):
        monkeypatch.setenv("MAPPER_DRAFT_MAX_AGE_DAYS", bad)
        with pytest.raises(DraftError):
            default_max_age_days()


def test_forgetting_a_person_deletes_every_authors_drafts_of_a_1_on_1_with_them(store):
    from mapper.roles import ADMIN
    from mapper.services import forget_person

    store.write(small_campaign())
    drafts = drafts_for(store)
    save_draft(drafts, MAYA, CAMPAIGN, {**FORM, "contact.name": "ana  LOPEZ"})
    save_draft(drafts, SAM, CAMPAIGN, FORM)
    kept = save_draft(drafts, SAM, CAMPAIGN, {"contact.name": "Ben Ortiz"})
    elsewhere = save_draft(drafts, MAYA, "elsewhere", FORM)  # another campaign's Ana
    done = forget_person(store, ADMIN, CAMPAIGN, "Ana Lopez", drafts=drafts)
    assert done.drafts == 2
    assert [d.id for d in list_drafts(drafts, MAYA)] == [elsewhere.id]
    assert [d.id for d in list_drafts(drafts, SAM)] == [kept.id]
    drafts.close()
    # Without a draft store named, the one beside the store is used.
    drafts = drafts_for(store)
    save_draft(drafts, MAYA, CAMPAIGN, {"contact.name": "Ben Ortiz", "issues.0.story": SECRET})
    drafts.close()
    assert forget_person(store, ADMIN, CAMPAIGN, "Ben Ortiz").drafts == 2


def test_drafts_of_a_campaign_her_account_was_limited_out_of_are_kept_but_not_hers_to_see(store):
    from dataclasses import replace

    drafts = drafts_for(store, clock=Clock())
    here = save_draft(drafts, MAYA, CAMPAIGN, {"contact.name": "Ana Lopez"})
    there = save_draft(drafts, MAYA, "elsewhere", FORM)
    limited = replace(MAYA, campaigns=(CAMPAIGN,))  # `mapper users set-campaigns maya ...`
    assert [d.id for d in list_drafts(drafts, limited)] == [here.id]
    assert list_drafts(drafts, limited, "elsewhere") == []
    with pytest.raises(NotFound) as hidden:
        open_draft(drafts, limited, there.id)
    with pytest.raises(NotFound) as nowhere:
        open_draft(drafts, limited, "no-such-draft")
    assert str(hidden.value) == str(nowhere.value)
    with pytest.raises(ServiceError) as refused:
        save_draft(drafts, limited, "elsewhere", FORM)
    assert "not one of the campaigns you work on" in str(refused.value)
    # Neither replaced by a save naming its id nor deleted: it is kept for her.
    moved = save_draft(drafts, limited, CAMPAIGN, {"contact.name": "Cruz"}, there.id)
    assert moved.id != there.id
    assert delete_draft(drafts, limited, there.id) is False
    # Her scope widened again, it is back as she left it.
    assert open_draft(drafts, MAYA, there.id).values["issues.0.story"] == SECRET
    assert there.id in [d.id for d in list_drafts(drafts, MAYA)]
    drafts.close()


def test_drafts_she_cannot_see_any_more_are_said_when_they_fill_her_drafts(store):
    """Drafts of a campaign she was limited out of still count toward the most she keeps:
    told so, rather than to delete drafts she cannot see."""
    from dataclasses import replace

    from mapper.drafts import MAX_DRAFTS

    drafts = drafts_for(store, clock=Clock())
    for n in range(MAX_DRAFTS - 1):
        save_draft(drafts, MAYA, "elsewhere", {"contact.name": f"Person {n}"})
    save_draft(drafts, MAYA, CAMPAIGN, {"contact.name": "Ana Lopez"})
    limited = replace(MAYA, campaigns=(CAMPAIGN,))
    with pytest.raises(ServiceError) as full:
        save_draft(drafts, limited, CAMPAIGN, {"contact.name": "Ben Ortiz"})
    assert f"{MAX_DRAFTS - 1} of them are of campaigns you no longer work on" in str(full.value)
    with pytest.raises(ServiceError) as mine:  # all hers to see: no such words
        save_draft(drafts, MAYA, CAMPAIGN, {"contact.name": "Ben Ortiz"})
    assert "no longer work on" not in str(mine.value)
    drafts.close()
