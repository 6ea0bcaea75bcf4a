"""The 1-on-1 form's callbacks as plain functions: the error summary, drafts kept and deleted,
suggestions from the campaign's own names, and the realizations' gentle "no"."""

from __future__ import annotations

import pytest

from dashboard import ids
from dashboard.app import create_app
from dashboard.forms import form_record, form_values_of
from dashboard.pages import record
from mapper import services as svc_api
from tests.records import CAMPAIGN, small_campaign
from tests.test_dashboard_callbacks import (ADMIN, DEV, MAYA, USERS, VIEWER, _form, signed_in_as,
                                            text)


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, open_store_of_kind):
    s = open_store_of_kind(request.param)
    s.write(small_campaign())
    return s


@pytest.fixture
def app(store):
    return create_app(lambda: store, users=USERS)


def test_a_failed_save_lists_every_error_at_the_top_with_a_link_to_its_field(app, store):
    with signed_in_as(app, MAYA):
        fields, values, errors = _form(**{
            "date": "2026-11-25", "contact.name": "Eve Stone", "contact.phone": "call me maybe",
            "contact.email": "carmen at example", "issues.1.issue": "parking",
            "issues.1.anger": 9})
        messages, status, _ = record.save_record(1, fields, values, errors, CAMPAIGN, CAMPAIGN)
    summary = text(status)
    assert "error-summary" in summary and "Not saved: 3 problems" in summary
    assert "Phone (personal): not a phone number" in summary
    assert "Email (personal): not an email address" in summary
    assert "Issue 2: Anger 0" in summary  # the form's second row, as the person sees it
    assert '"data-target": "{\\"field\\":\\"contact.phone\\",\\"type\\":\\"form-field\\"}"' \
        in summary
    assert "call me maybe" not in summary and "carmen at example" not in summary
    assert "call me maybe" not in text(messages)
    placed = {e["field"] for e, m in zip(errors, messages) if m}
    assert placed == {"contact.phone", "contact.email", "issues.1.anger"}


def test_a_missing_contact_name_is_put_on_the_name_not_the_first_contact_field(app, store):
    with signed_in_as(app, MAYA):
        fields, values, errors = _form(**{"date": "2026-11-25"})
        messages, status, _ = record.save_record(1, fields, values, errors, CAMPAIGN, CAMPAIGN)
    assert [e["field"] for e, m in zip(errors, messages) if m] == ["contact.name"]
    assert "Contact name" in text(status)


def test_a_saved_draft_is_reopened_by_its_author_and_deleted_by_the_real_save(app, store):
    with signed_in_as(app, MAYA):
        fields, values, errors = _form(**{"date": "2026-11-25", "contact.name": "Eve Stone",
                                          "issues.0.issue": "parking",
                                          "issues.0.story": "EVE DRAFT STORY"})
        said, draft_id, listed = record.save_as_draft(1, fields, values, CAMPAIGN, CAMPAIGN, None)
        assert "only you see it" in said and draft_id
        assert "Eve Stone" in text(listed) and "EVE DRAFT STORY" not in text(listed)
        opened = record.layout(draft=draft_id)
        assert "EVE DRAFT STORY" in text(opened) and "Your draft is open" in text(opened)
        # Saved again as draft: the same draft, not a second one.
        _, again, _ = record.save_as_draft(2, fields, values, CAMPAIGN, CAMPAIGN, draft_id)
        assert again == draft_id
        assert len(svc_api.list_drafts(record.drafts(), MAYA)) == 1
        out = record.save_and_close_draft(1, fields, values, errors, CAMPAIGN, CAMPAIGN, None,
                                          draft_id)
        assert "saved" in text(out[1]) and out[3] is None
        assert svc_api.list_drafts(record.drafts(), MAYA) == []
    assert store.person_history(CAMPAIGN, "Eve Stone")


def test_another_organizers_draft_is_not_opened_and_not_listed(app, store):
    with signed_in_as(app, MAYA):
        fields, values, _ = _form(**{"contact.name": "Eve Stone", "notes": "MAYA DRAFT NOTE"})
        _, draft_id, _ = record.save_as_draft(1, fields, values, CAMPAIGN, CAMPAIGN, None)
    with signed_in_as(app, DEV):
        page = text(record.layout(draft=draft_id))
        assert "MAYA DRAFT NOTE" not in page and "Eve Stone" not in page
        assert record.DRAFT_NOT_OPENED in page
    with signed_in_as(app, ADMIN):  # not even an admin reads another's draft
        assert "MAYA DRAFT NOTE" not in text(record.layout(draft=draft_id))


def test_a_draft_never_reaches_the_snapshot_or_an_export(app, store):
    with signed_in_as(app, MAYA):
        fields, values, _ = _form(**{"contact.name": "Eve Stone", "notes": "MAYA DRAFT NOTE"})
        record.save_as_draft(1, fields, values, CAMPAIGN, CAMPAIGN, None)
    assert "MAYA DRAFT NOTE" not in repr(store.snapshot(CAMPAIGN))
    assert "MAYA DRAFT NOTE" not in repr(list(store.export()))


def test_suggestions_are_the_campaigns_own_names_and_no_ones_words(app, store):
    with signed_in_as(app, MAYA):
        issues, dms, units, organizers, campaigns = record.suggestions(CAMPAIGN, CAMPAIGN)
    values = lambda options: [o.value for o in options]  # noqa: E731
    assert "short staffing" in values(issues)
    assert "ICU" in values(units)
    assert "Maya Ortiz" in values(organizers)
    assert values(campaigns) == [CAMPAIGN]
    assert dms and all(isinstance(v, str) for v in values(dms))
    everything = text([issues, dms, units, organizers])
    assert "SECRET" not in everything and "Ana Lopez" not in everything


def test_a_viewer_gets_no_suggestions_and_no_form(app, store):
    with signed_in_as(app, VIEWER):
        assert record.suggestions(CAMPAIGN, CAMPAIGN) == [[]] * 5
        page = text(record.layout())
    assert "Record a 1-on-1" in page and "form-save" not in page


def test_a_no_on_a_realization_points_back_to_step_3() -> None:
    assert record.realize_note("true", "", "true") is None
    note = text(record.realize_note("true", "false", ""))
    assert "#step-3" in note and "step 3" in note


@pytest.mark.parametrize("items", [
    ["spanish, translation"], ["my visa, my kids", "retaliation"], ['"quoted"', "x"],
    ['the "night" crew', 'a,"b"', ",", "5'2\""], ["plain", "words"]])
def test_a_stored_list_shown_in_its_box_reads_back_as_the_same_items(items) -> None:
    shown = form_values_of({"plan": {"skills": items}})["plan.skills"]
    assert form_record({"plan.skills": shown})[0] == {"plan": {"skills": items}}


@pytest.mark.parametrize(("typed", "items"), [
    ("retaliation, status", ["retaliation", "status"]), ("a,,b, ", ["a", "b"]),
    ('he said "no", fine', ['he said "no"', "fine"]),
    ('"my visa, my kids", status', ["my visa, my kids", "status"])])
def test_items_typed_in_a_box_are_separated_by_commas_and_quotes_keep_one(typed, items) -> None:
    assert form_record({"ask.fears": typed})[0] == {"ask": {"fears": items}}


def test_the_form_marks_its_required_fields_and_uses_phone_and_email_keypads(app, store):
    tree = record.form_layout()
    found = {}

    def walk(c):
        cid = getattr(c, "id", None)
        if isinstance(cid, dict) and cid.get("type") == "form-field" and cid.get("field") in (
                "contact.phone", "contact.email", "contact.name", "date"):
            found[cid["field"]] = c
        for child in c.children if isinstance(getattr(c, "children", None), list) else \
                [getattr(c, "children", None)]:
            if child is not None and hasattr(child, "to_plotly_json"):
                walk(child)
    walk(tree)
    assert found["contact.phone"].type == "tel" and found["contact.phone"].inputMode == "tel"
    assert found["contact.email"].type == "email" and found["contact.email"].inputMode == "email"
    assert found["contact.name"].required is True and found["date"].required is True


def test_a_correction_kept_as_draft_replaces_its_1on1_when_saved_not_adds_a_second(app, store):
    from tests.test_dashboard_person import _form_of, find

    before = sorted(r.id for r in store.iter_records(CAMPAIGN, "conversation"))
    with signed_in_as(app, MAYA):
        form = record.layout(conversation="2026-11-01-ana-lopez", campaign=CAMPAIGN)
        fields, values, _ = _form_of(form)
        values[[f["field"] for f in fields].index("contact.name")] = "Ana Lopes"  # a typo made
        _, draft_id, _ = record.save_as_draft(1, fields, values, CAMPAIGN, CAMPAIGN, None,
                                              find(form, ids.FORM_EDITING).data)
        opened = record.layout(draft=draft_id)
        assert find(opened, ids.FORM_EDITING).data == "2026-11-01-ana-lopez"
        fields, values, errors = _form_of(opened)
        out = record.save_and_close_draft(1, fields, values, errors, CAMPAIGN, CAMPAIGN,
                                          find(opened, ids.FORM_EDITING).data, draft_id)
    assert "updated" in text(out[1])
    assert sorted(r.id for r in store.iter_records(CAMPAIGN, "conversation")) == before
    [corrected] = store.get_records([f"conversation:{CAMPAIGN}:2026-11-01-ana-lopez"])
    assert corrected.body["contact"]["name"] == "Ana Lopes"
