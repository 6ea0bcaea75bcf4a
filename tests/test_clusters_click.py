"""An issue clicked on the clusters page lists the people angry about it from the read model
(issue 16: at a million people it read a whole snapshot in the worker, 50 s and 2.4 GB, on
every click after a write); on both stores, names for organizers and admins only."""

from __future__ import annotations

from dashboard.app import create_app
from dashboard.pages import clusters
from tests.records import CAMPAIGN, conversation
from tests.test_dashboard_callbacks import ADMIN, USERS, VIEWER, signed_in_as, text
# (The kept answers served for 10 minutes after a write, nothing refreshing them; the small
# campaign on both stores.)
from tests.test_power_live import kept_answers_served_stale, store  # noqa: F401

STAFFING = f"issue:{CAMPAIGN}:short staffing"


def test_a_clicked_issue_lists_its_angry_people_after_a_write_without_a_snapshot(store):
    app = create_app(lambda: store, users=USERS)
    with signed_in_as(app, ADMIN):
        clusters.update_clusters(None, "3")  # (the clusters shown, kept)
        before = text(clusters.issue_people({"id": STAFFING}, None, "3"))
    store.write([conversation("Eve Stone", "2026-11-25", id="eve", unit="ER",
                              issues=[{"issue": "short staffing", "anger": 5}])])

    def no_snapshot(campaign):
        raise AssertionError("a whole snapshot read")

    store.snapshot = no_snapshot
    with signed_in_as(app, ADMIN):
        after = text(clusters.issue_people({"id": STAFFING}, None, "3"))
        crafted = clusters.issue_people({"id": f"issue:{CAMPAIGN}:no such issue"}, None, "3")
    assert "Eve Stone" not in before and "Eve Stone" in after and "anger 5" in after
    assert "short staffing: " in after and "reload the page" in text(crafted)
    with signed_in_as(app, VIEWER):
        seen = text(clusters.issue_people({"id": STAFFING}, None, "3"))
    assert "people with anger" in seen and "Eve Stone" not in seen and "Ana Lopez" not in seen
