"""The people lists' pages and cards (issue 12) as the callbacks send them: 25 at a time, and a
phone or an email only on the cards of people the user may see them for."""

from __future__ import annotations

from dashboard.listing import PAGE, list_page
from dashboard.pages import ready, talk_next
from dashboard.users import User
from mapper.roles import sees_contact_details
from tests.records import conversation
from tests.test_dashboard_callbacks import (ADMIN, DEV, HASH, MAYA, app, signed_in_as,  # noqa: F401
                                            store, text)

PLANNER = User("pat", "planner", None, HASH)


def _cards(page: dict) -> dict[str, str]:
    return {c.to_plotly_json()["props"]["data-person"]: text(c) for c in page["cards"]}


def test_a_phone_is_on_a_card_only_where_the_role_rules_allow(app, store):
    store.write([conversation("Zed Ray", "2026-11-21", organizer="Dev Patel",
                              ask={"asked": False})])
    snapshot = store.snapshot(store.campaigns()[0])
    for user in (ADMIN, MAYA, DEV, PLANNER):
        with signed_in_as(app, user):
            page = list_page(ready.LIST, [None, None, None], "rank", 0, None)
        cards = _cards(page)
        assert cards, user.username
        for key, card in cards.items():
            allowed = sees_contact_details(user, key, snapshot)
            assert ("+15550100" in card) == allowed, (user.username, key)
            assert ("tel:+15550100" in card) == allowed
            assert ("secret-email@example.org" in card) == allowed
        # The grid's rows carry no phone at all, whoever asks.
        assert "15550100" not in text(page["rows"]) and "555 0100" not in text(page["rows"])
    with signed_in_as(app, DEV):
        zed = _cards(list_page(ready.LIST, [None, None, None], "rank", 0, None))
    assert any("Zed Ray" in c and "tel:+15550100" in c for c in zed.values())


def test_a_list_goes_out_a_page_at_a_time_with_where_it_is(app, store):
    with signed_in_as(app, ADMIN):
        first = list_page(talk_next.LIST, [None, None, None], "rank", 0, None)
        n = int(first["count"].split()[0].replace(",", ""))
        assert len(first["rows"]) == min(n, PAGE) == len(first["cards"])
        assert first["first"] and first["last"] == (n <= PAGE)
        # Past the end: the last page, not an empty one.
        last = list_page(talk_next.LIST, [None, None, None], "name", 10 * PAGE + n, None)
        by_name = list_page(talk_next.LIST, [None, None, None], "name", 0, None)
    assert last["rows"] and last["last"] and last["where"].endswith(f"of {n:,}")
    names = [r["name"] for r in by_name["rows"]]
    assert names == sorted(names, key=str.casefold)


def test_a_roster_phone_reaches_the_card_of_someone_never_spoken_with(app, store):
    # Talk to next is mostly people known only from the roster: their imported phone and email
    # are the way to reach them (issue 13), under the same rules as a 1-on-1's.
    from mapper.models import RosterRow
    from tests.records import CAMPAIGN

    store.write([RosterRow(name="Rosa Quint", unit="ICU", phone="(415) 555-2671",
                           email="rosa.q@example.org", campaign=CAMPAIGN)])
    key = store.person_key(CAMPAIGN, "Rosa Quint")
    snapshot = store.snapshot(CAMPAIGN)
    for user in (ADMIN, PLANNER):
        with signed_in_as(app, user):
            pages = [list_page(talk_next.LIST, [None, None, None], "name", start, None)
                     for start in range(0, 10 * PAGE, PAGE)]
        card = next(c for page in pages for k, c in _cards(page).items() if k == key)
        allowed = sees_contact_details(user, key, snapshot)
        assert ("tel:+14155552671" in card) == allowed, user.username
        assert ("rosa.q@example.org" in card) == allowed, user.username
    assert sees_contact_details(ADMIN, key, snapshot) and not sees_contact_details(
        PLANNER, key, snapshot)
    # And on the call sheet a phone bank prints (dashboard.exports), by the same rule.
    from dashboard.exports import _phones

    assert _phones(store, ADMIN, CAMPAIGN, snapshot, [key]) == {key: "+14155552671"}
    assert _phones(store, PLANNER, CAMPAIGN, snapshot, [key]) == {}
