"""Talk to next: people never spoken with, ranked by trust ties and unit coverage gaps."""

from mapper.analytics import organic_leaders, talk_next
from mapper.analytics.examples import CampaignBuilder


def ties_campaign() -> CampaignBuilder:
    """No units, so only ties count: Cy said yes, Ana is angry, Dot was spoken with.

    Xan trusts Cy (3), Ria was referred by Ana (2 + 1 = 3), Yan trusts Ana (2), Zed trusts
    Dot (1), Wu is on the roster and trusts no one we know (0).
    """
    b = CampaignBuilder("c")
    b.talk("Cy", "2026-11-01", response="yes")
    b.talk("Ana", "2026-11-01", issues={"pay": 4}, refers={"Ria": "coworker"})
    b.talk("Dot", "2026-11-01")
    b.tie("Xan", "Cy")
    b.tie("Yan", "Ana")
    b.tie("Zed", "Dot")
    b.person("Wu")
    return b


def test_only_people_never_spoken_with_are_listed() -> None:
    names = {p["name"] for p in talk_next(ties_campaign().snapshot())["people"]}
    assert names == {"Xan", "Ria", "Yan", "Zed", "Wu"}


def test_ties_to_committed_rank_above_ties_to_angry_above_other_contacts() -> None:
    r = talk_next(ties_campaign().snapshot())
    assert [(p["name"], p["score"]) for p in r["people"]] == [
        ("Ria", 3.0), ("Xan", 3.0), ("Yan", 2.0), ("Zed", 1.0), ("Wu", 0.0)]


def test_referral_counts_as_a_tie_and_says_who_referred() -> None:
    ria = talk_next(ties_campaign().snapshot())["people"][0]
    assert ria["reasons"] == ["referred by angry Ana"]
    assert ria["messenger"] == {"key": "person:c:ana", "name": "Ana", "committed": False}
    assert ria["in_roster"] is False


def test_messenger_prefers_a_committed_contact() -> None:
    b = ties_campaign()
    b.tie("Xan", "Ana")
    xan = next(p for p in talk_next(b.snapshot())["people"] if p["name"] == "Xan")
    assert xan["score"] == 5.0
    assert xan["reasons"] == ["tied to committed Cy", "tied to angry Ana"]
    assert xan["messenger"] == {"key": "person:c:cy", "name": "Cy", "committed": True}


def test_people_in_poorly_covered_units_rank_higher() -> None:
    # ICU: 4 on the roster, 3 spoken with -> its last person gets 3 x (1 - 3/4) = 0.75.
    # ER: 4 on the roster, none spoken with -> each gets 3 x (1 - 0) = 3.
    b = CampaignBuilder("c")
    for i in range(1, 5):
        b.person(f"Icu{i}", "ICU")
        b.person(f"Er{i}", "ER")
    for i in range(1, 4):
        b.talk(f"Icu{i}", "2026-11-01")
    people = talk_next(b.snapshot())["people"]
    assert [(p["name"], p["score"]) for p in people] == [
        ("Er1", 3.0), ("Er2", 3.0), ("Er3", 3.0), ("Er4", 3.0), ("Icu4", 0.8)]
    assert people[0]["reasons"] == ["ER: 0 of 4 spoken with (0%)"]
    assert people[-1]["reasons"] == ["ICU: 3 of 4 spoken with (75%)"]
    assert people[0]["messenger"] is None


def test_limit_keeps_the_best() -> None:
    r = talk_next(ties_campaign().snapshot(), limit=2)
    assert [p["name"] for p in r["people"]] == ["Ria", "Xan"]


def test_organic_leaders_are_the_most_trusted_whether_contacted_or_not() -> None:
    b = CampaignBuilder("c")
    for other in ("A", "B", "C"):
        b.tie("Hub", other)
    b.talk("A", "2026-11-01", response="yes")
    b.tie("A", "B")
    leaders = organic_leaders(b.snapshot(), top=2)
    assert leaders == [
        {"person": "person:c:hub", "name": "Hub", "unit": "(no unit)", "ties": 3,
         "contacted": False, "committed": False, "organizer": False},
        {"person": "person:c:a", "name": "A", "unit": "(no unit)", "ties": 2,
         "contacted": True, "committed": True, "organizer": False},
    ]
    assert talk_next(b.snapshot(), leaders=2)["organic_leaders"] == leaders


def organizer_on_the_roster() -> CampaignBuilder:
    """Maya Ortiz is on the roster and holds the 1-on-1s: she spoke with Ana (not committed).

    Maya is tied to Ana and to Ben, Cy and Dee, none of them spoken with; Ben is tied to her
    alone, so his score is hers: a committed person's 3.
    """
    b = CampaignBuilder("c")
    b.person("Maya Ortiz")
    b.talk("Ana", "2026-11-01", organizer="Maya Ortiz")
    for coworker in ("Ana", "Ben", "Cy", "Dee"):
        b.tie("Maya Ortiz", coworker)
    return b


def test_an_organizer_on_the_roster_is_not_someone_to_talk_to_next() -> None:
    people = talk_next(organizer_on_the_roster().snapshot())["people"]
    assert "Maya Ortiz" not in {p["name"] for p in people}


def test_an_organizer_counts_for_her_coworkers_as_a_committed_person_and_is_their_messenger(
        ) -> None:
    ben = next(p for p in talk_next(organizer_on_the_roster().snapshot())["people"]
               if p["name"] == "Ben")
    assert ben["score"] == 3.0
    assert ben["reasons"] == ["tied to committed Maya Ortiz"]
    assert ben["messenger"] == {"key": "person:c:maya ortiz", "name": "Maya Ortiz",
                                "committed": True}


def test_an_organizer_among_the_organic_leaders_is_marked_as_one_not_as_never_spoken_with(
        ) -> None:
    b = organizer_on_the_roster()
    leaders = organic_leaders(b.snapshot(), top=1)
    assert leaders == [{"person": "person:c:maya ortiz", "name": "Maya Ortiz",
                        "unit": "(no unit)", "ties": 4, "contacted": False, "committed": True,
                        "organizer": True}]
    assert talk_next(b.snapshot(), leaders=1)["organic_leaders"] == leaders


def test_a_person_only_sharing_an_organizers_name_in_another_campaign_is_not_one() -> None:
    b = CampaignBuilder("c")
    b.person("Maya Ortiz")
    b.talk("Ana", "2026-11-01", organizer="Maya Ortiz")
    snap = b.snapshot()
    snap.organizers = {"organizer:other:maya ortiz": "Maya Ortiz"}
    assert "Maya Ortiz" in {p["name"] for p in talk_next(snap)["people"]}


def test_an_organizer_on_the_roster_is_not_to_talk_to_next_on_both_stores(store) -> None:
    from tests.records import CAMPAIGN, conversation, roster, tie

    store.write([roster("Maya Ortiz"), roster("Ana Lopez"), roster("Ben Ortiz"),
                 conversation("Ana Lopez", organizer="Maya Ortiz",
                              issues=[{"issue": "parking", "anger": 1}]),
                 tie("Maya Ortiz", "Ana Lopez"), tie("Maya Ortiz", "Ben Ortiz")])
    r = talk_next(store.snapshot(CAMPAIGN))
    assert [(p["name"], p["score"], p["messenger"]["name"], p["messenger"]["committed"])
            for p in r["people"]] == [("Ben Ortiz", 5.0, "Maya Ortiz", True)]
    maya = next(e for e in r["organic_leaders"] if e["name"] == "Maya Ortiz")
    assert (maya["organizer"], maya["committed"]) == (True, True)
