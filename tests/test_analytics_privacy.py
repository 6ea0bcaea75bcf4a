"""No analytics output carries a story, notes, a phone number, an email or a referral note."""

import datetime as dt
import json

from networkx.readwrite import json_graph

from mapper.analytics import FUNCTIONS, issue_graph
from mapper.analytics.tables import TABLES, tables_for
from mapper.models import HierarchyRow, OneOnOne, RosterRow, TieRow
from mapper.stores.sqlite import SQLiteStore

SECRETS = ("STORY-the-night-shift-secret", "NOTES-she-is-pregnant", "+15550199",
           "ana.private@example.org", "REFERRAL-NOTE-ben-is-undocumented",
           "STORY-second-secret", "+15550142", "ben.private@example.org")


def store_with_personal_details() -> SQLiteStore:
    store = SQLiteStore(":memory:")
    store.write([
        RosterRow(name="Ana Lopez", unit="ICU", campaign="c"),
        RosterRow(name="Cy Park", unit="ICU", campaign="c"),
        HierarchyRow(name="Carl Reyes", title="CNO", reports_to="Dana Park", campaign="c"),
        TieRow(person="Ana Lopez", other="Cy Park", relationship="friend", campaign="c"),
        OneOnOne.model_validate({
            "date": "2026-11-01", "organizer": "Maya Ortiz", "campaign": "c",
            "contact": {"name": "Ana Lopez", "phone": "+1 555 0199",
                        "email": "ana.private@example.org", "unit": "ICU"},
            "issues": [{"issue": "short staffing", "anger": 5,
                        "story": "STORY-the-night-shift-secret", "witnessed_harm": True}],
            "responsibility": {"named": [{"issue": "short staffing",
                                          "decision_maker": {"name": "Carl Reyes"}}],
                               "realizes": {"cares_about_problem": True}},
            "plan": {"hope": 4, "skills": ["spanish"]},
            "ask": {"asked": True, "action": "come to the Dec 3 meeting", "response": "yes",
                    "due": "2026-12-03", "fears": ["retaliation"]},
            "follow_up": {"assignment": "record a moment", "due": "2026-11-08",
                          "thank_you_sent": False},
            "referrals": [{"name": "Ben Ortiz", "unit": "ER", "relationship": "coworker",
                           "note": "REFERRAL-NOTE-ben-is-undocumented"}],
            "assessment": 1,
            "notes": "NOTES-she-is-pregnant",
        }),
        OneOnOne.model_validate({
            "date": "2026-11-03", "organizer": "Sam Lee", "campaign": "c",
            "contact": {"name": "Ben Ortiz", "phone": "+1 555 0142",
                        "email": "ben.private@example.org", "unit": "ER"},
            "issues": [{"issue": "short staffing", "anger": 4, "story": "STORY-second-secret"}],
            "ask": {"asked": True, "response": "maybe", "fears": ["deportation"]},
            "follow_up": {"thank_you_sent": False},
            "assessment": 2,
        }),
    ])
    return store


def every_output(snapshot) -> dict:
    options = {"follow_ups": {"today": dt.date(2026, 11, 10)}, "my_list": {"today": dt.date(2026, 11, 10)}}
    out = {name: f(snapshot, **options.get(name, {})) for name, f in FUNCTIONS.items()}
    out["issue_graph"] = json_graph.node_link_data(issue_graph(snapshot), edges="edges")
    results = {"clusters": "anger_clusters", "unit-issues": "unit_issue_matrix",
               "power": "power_map", "ask-queue": "ask_queue", "ladder": "ladder",
               "talk-next": "talk_next", "follow-ups": "follow_ups", "structure": "structure",
               "overview": "overview", "my-list": "my_list"}
    assert set(results) == set(TABLES)
    out["tables"] = {cmd: [t._asdict() for t in tables_for(cmd, out[name])]
                     for cmd, name in results.items()}
    return out


def test_no_story_notes_phone_email_or_referral_note_appears_in_any_output() -> None:
    store = store_with_personal_details()
    text = json.dumps(every_output(store.snapshot("c")), ensure_ascii=False)
    # The outputs are about these people: names and the issue are there, details are not.
    assert "Ana Lopez" in text and "short staffing" in text and "Ben Ortiz" in text
    for secret in SECRETS:
        assert secret not in text
    # Anything that looks like contact details is absent too.
    assert "@" not in text and "555" not in text


def test_every_answer_survives_a_json_round_trip_unchanged() -> None:
    # No dates, sets, tuples or non-string keys: what the dashboard gets is what was computed.
    outputs = every_output(store_with_personal_details().snapshot("c"))
    for name in FUNCTIONS:
        assert json.loads(json.dumps(outputs[name])) == outputs[name], name
