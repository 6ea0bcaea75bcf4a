"""Small records for tests, built the way an organizer would write them."""

from __future__ import annotations

from typing import Any

from mapper.models import AliasRow, HierarchyRow, OneOnOne, RosterRow, TieRow

CAMPAIGN = "test-campaign"


def conversation(name: str = "Ana Lopez", date: str = "2026-11-20", **fields: Any) -> OneOnOne:
    data: dict[str, Any] = {
        "date": date, "organizer": fields.pop("organizer", "Maya Ortiz"), "campaign": CAMPAIGN,
        "contact": {"name": name, "unit": fields.pop("unit", "ICU"), "shift": "nights",
                    "phone": "+1 555 0100", "email": "secret-email@example.org"},
        "issues": fields.pop("issues", [{"issue": "short staffing", "anger": 5,
                                         "story": "SECRET STORY"}]),
        "notes": "SECRET NOTES",
    }
    data.update(fields)
    return OneOnOne.model_validate(data)


def roster(name: str, unit: str = "ICU") -> RosterRow:
    return RosterRow(name=name, unit=unit, shift="days", role="RN", campaign=CAMPAIGN)


def hierarchy(name: str, reports_to: str | None = None, title: str = "Manager") -> HierarchyRow:
    return HierarchyRow(name=name, title=title, organization="St. Luke's", reports_to=reports_to,
                        campaign=CAMPAIGN)


def tie(a: str, b: str, relationship: str = "coworker") -> TieRow:
    return TieRow(person=a, other=b, relationship=relationship, campaign=CAMPAIGN)


def alias(kind: str, alias_: str, canonical: str) -> AliasRow:
    return AliasRow(kind=kind, alias=alias_, canonical=canonical, campaign=CAMPAIGN)


def small_campaign() -> list:
    """A campaign with every kind of record and every step of the rap."""
    return [
        roster("Ana Lopez"), roster("Ben Ortiz"), roster("Cam Lee", "ER"), roster("Dee Park", "ER"),
        hierarchy("Carl Reyes", None, "Chief Nursing Officer"),
        hierarchy("Ivy Chen", "Carl Reyes", "ICU Manager"),
        tie("Ana Lopez", "Ben Ortiz"), tie("Ben Ortiz", "Cam Lee", "carpool"),
        conversation("Ana Lopez", "2026-11-01",
                     responsibility={"named": [{"issue": "short staffing", "decision_maker":
                                                {"name": "Carl Reyes", "title": "CNO"}}],
                                     "realizes": {"cares_about_problem": True}},
                     plan={"hope": 4, "skills": ["spanish translation"], "wants_to_talk_again": True},
                     ask={"asked": True, "action": "come to the Dec 3 meeting", "response": "yes",
                          "due": "2026-12-03", "fears": ["retaliation"]},
                     follow_up={"assignment": "log a short shift", "due": "2026-11-27",
                                "thank_you_sent": False},
                     referrals=[{"name": "Dee Park", "unit": "ER", "relationship": "friend",
                                 "note": "SECRET REFERRAL NOTE"}],
                     assessment=1),
        conversation("Cam Lee", "2026-11-05", unit="ER",
                     issues=[{"issue": "Short-Staffing", "anger": 4},
                             {"issue": "parking costs", "anger": 3}],
                     assessment=2),
        conversation("Ana Lopez", "2026-11-15", id="ana-second",
                     issues=[{"issue": "mandatory overtime", "anger": 4}], assessment=1),
    ]


class NoDrafts:
    """A draft store holding none: what `forget_person` is given where no server keeps any."""

    def forget(self, campaign: str, is_them: Any, named: Any = None) -> int:
        return 0
