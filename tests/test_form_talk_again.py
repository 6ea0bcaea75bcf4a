"""The guide's step 4: a date for the next conversation shows in Follow-ups as "talk again"."""

import datetime as dt

from mapper.analytics import follow_ups
from mapper.analytics.examples import CampaignBuilder
from mapper.models import OneOnOne
from mapper.roles import ADMIN
from mapper.services import close_item
from mapper.stores.sqlite import SQLiteStore

TODAY = dt.date(2026, 11, 10)


def items(r: dict) -> list[tuple]:
    return [(o["organizer"], i["name"], i["kind"], i["due"], i["days_overdue"], i["status"])
            for o in r["organizers"] for i in o["items"]]


def test_a_date_for_the_next_talk_is_a_talk_again_item_due_that_day() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01", organizer="Sam Lee", next_talk=dt.date(2026, 11, 12))
    r = follow_ups(b.snapshot(), today=TODAY)
    # Due Nov 12, two days after TODAY: within the week, so "due" with -2 days overdue.
    assert items(r) == [("Sam Lee", "Ana", "talk_again", "2026-11-12", -2, "due")]
    item = r["organizers"][0]["items"][0]
    assert item["id"] == "talk_again:2026-11-01-ana"
    assert item["what"] == "talk again, as agreed on 2026-11-01"


def test_a_talk_again_date_past_is_overdue_and_a_far_one_waits() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-10-20", next_talk=dt.date(2026, 11, 3))
    b.talk("Ben", "2026-11-01", next_talk=dt.date(2026, 12, 1))
    r = follow_ups(b.snapshot(), today=TODAY)
    assert items(r) == [("Maya Ortiz", "Ana", "talk_again", "2026-11-03", 7, "overdue")]


def test_a_later_1on1_with_the_person_closes_the_talk_again_item() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-10-20", next_talk=dt.date(2026, 11, 3))
    b.talk("Ana", "2026-11-05")
    assert items(follow_ups(b.snapshot(), today=TODAY)) == []


def test_the_talked_again_update_closes_the_item() -> None:
    b = CampaignBuilder("c")
    cid = b.talk("Ana", "2026-10-20", next_talk=dt.date(2026, 11, 3))
    b.log("Ana", "2026-11-04", "talked_again", conversation=cid)
    assert items(follow_ups(b.snapshot(), today=TODAY)) == []


def test_the_next_talk_goes_from_the_record_through_the_store_and_is_closed_by_done() -> None:
    store = SQLiteStore(":memory:")
    store.write([OneOnOne.model_validate({
        "date": "2026-11-01", "organizer": "Maya Ortiz", "campaign": "c",
        "contact": {"name": "Ana Lopez"},
        "plan": {"next_talk": "2026-11-09", "answer_to_boss": "BOSS-SECRET: no budget"}})])
    snap = store.snapshot("c")
    assert snap.conversations[0].next_talk == dt.date(2026, 11, 9)
    r = follow_ups(snap, today=TODAY)
    assert items(r) == [("Maya Ortiz", "Ana Lopez", "talk_again", "2026-11-09", 1, "overdue")]
    assert "BOSS-SECRET" not in repr(snap) and "BOSS-SECRET" not in repr(r)
    close_item(store, ADMIN, "c", "Ana Lopez", "talk_again:2026-11-01-ana-lopez", TODAY)
    assert items(follow_ups(store.snapshot("c"), today=TODAY)) == []


# --- on the Follow-ups page: a "talk again" row with its "talked" button -----------------------

def test_the_follow_ups_page_shows_the_talk_again_item_and_closes_it(open_store_of_kind) -> None:
    from dashboard.app import create_app
    from dashboard.pages import follow_ups as page
    from tests.records import CAMPAIGN, conversation, small_campaign
    from tests.test_dashboard_actions import MAYA, USERS, buttons, close, updates
    from tests.test_dashboard_callbacks import signed_in_as, text

    store = open_store_of_kind("sqlite")
    store.write(small_campaign() + [conversation("Dee Park", "2026-11-20",
                                                 plan={"next_talk": "2026-11-29"})])
    app = create_app(lambda: store, users=USERS)
    item = "talk_again:2026-11-20-dee-park"
    with signed_in_as(app, MAYA):
        _, table, _ = page.update_follow_ups(None, "2026-11-30", "Maya Ortiz")[:3]
        assert item in text(table) and "talk again" in text(table)
        assert any(b["item"] == item and b["value"] == "talked_again"
                   for b in buttons(table, "follow-action"))
        page.act(close(item, f"person:{CAMPAIGN}:dee park", "talked_again"), None, "2026-11-30")
        _, table, _ = page.update_follow_ups(None, "2026-11-30", "Maya Ortiz")[:3]
    assert item not in text(table)
    assert [u["update"] for u in updates(store)] == ["talked_again"]
