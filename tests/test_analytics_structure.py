"""Structure: per unit headcount, contacted, supporters, committed, against a majority target."""

import pytest

from mapper.analytics import structure
from mapper.analytics.examples import CampaignBuilder


def icu_of_nine() -> CampaignBuilder:
    """ICU has 9 on the roster; 5 spoken with: assessments 1, 2, 2, 2, 4; two said yes.

    Two thirds of 9 is 6 supporters: 4 supporters now, 2 more needed. A committee of
    ceil(9 / 10) = 1 is needed; 2 committed people are enough.
    """
    b = CampaignBuilder("c")
    for i in range(9):
        b.person(f"N{i}", "ICU")
    for i, (rating, answer) in enumerate([(1, "yes"), (2, "yes"), (2, None), (2, "no"), (4, None)]):
        b.talk(f"N{i}", "2026-11-01", assessment=rating, response=answer)
    return b


def test_unit_counts_against_the_two_thirds_target() -> None:
    icu = structure(icu_of_nine().snapshot())["units"][0]
    assert icu == {
        "unit": "ICU", "headcount": 9, "contacted": 5, "contacted_share": 0.556,
        "off_roster": 0, "supporters": 4, "supporter_share": 0.444, "target_supporters": 6,
        "supporters_needed": 2, "committed": 2, "leaders": 1, "committee_needed": 1,
        "committee_gap": 0, "reached_target": False}


def test_the_target_is_configurable() -> None:
    icu = structure(icu_of_nine().snapshot(), target=0.4)["units"][0]
    assert (icu["target_supporters"], icu["supporters_needed"], icu["reached_target"]) == (4, 0, True)


def test_an_organizing_committee_of_one_per_ten_is_needed() -> None:
    b = CampaignBuilder("c")
    for i in range(25):
        b.person(f"N{i}", "ER")
    b.talk("N0", "2026-11-01", response="yes")
    er = structure(b.snapshot())["units"][0]
    assert (er["committee_needed"], er["committed"], er["committee_gap"]) == (3, 1, 2)
    assert structure(b.snapshot(), committee_ratio=5)["units"][0]["committee_needed"] == 5


def test_a_unit_without_a_roster_counts_the_people_known_in_it() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01", unit="Laundry", assessment=2)
    b.tie("Ana", "Ben")
    b.person("Ben", "Laundry", roster=False)
    laundry = structure(b.snapshot())["units"][0]
    assert (laundry["unit"], laundry["headcount"], laundry["contacted"]) == ("Laundry", 2, 1)
    assert laundry["off_roster"] == 1


def test_the_latest_recorded_assessment_decides_who_is_a_supporter() -> None:
    b = CampaignBuilder("c")
    b.person("Ana", "ICU")
    b.talk("Ana", "2026-10-01", assessment=4)
    b.talk("Ana", "2026-11-01", assessment=2)
    b.talk("Ana", "2026-11-05")  # a check-in with no rating keeps the 2
    assert structure(b.snapshot())["units"][0]["supporters"] == 1


def test_someone_who_committed_and_was_never_rated_is_a_supporter() -> None:
    """A unit does not ask for supporters it has: a yes makes a supporter of someone never
    rated; an organizer's rating of 3-5 stands, yes or not (PRODUCT.md: supporters 1-2)."""
    b = CampaignBuilder("c")
    for name in ("Ana", "Ben", "Cy"):
        b.person(name, "ICU")
    b.talk("Ana", "2026-11-01", response="yes")  # never rated
    b.talk("Ben", "2026-11-01", assessment=4, response="yes")
    b.talk("Cy", "2026-11-01", assessment=2)
    icu = structure(b.snapshot())["units"][0]
    assert (icu["supporters"], icu["committed"], icu["leaders"]) == (2, 2, 0)
    assert (icu["supporters_needed"], icu["reached_target"]) == (0, True)


def test_contacted_people_missing_from_the_roster_are_flagged() -> None:
    b = icu_of_nine()
    b.talk("Newcomer", "2026-11-02", unit="ICU")
    icu = structure(b.snapshot())["units"][0]
    assert (icu["headcount"], icu["contacted"], icu["off_roster"]) == (9, 6, 1)


def test_totals_add_up_the_units_and_take_the_target_on_the_whole() -> None:
    b = icu_of_nine()
    for i in range(3):
        b.person(f"E{i}", "ER")
    b.talk("Drifter", "2026-11-01")  # no unit: listed last
    r = structure(b.snapshot())
    assert [u["unit"] for u in r["units"]] == ["ER", "ICU", "(no unit)"]
    t = r["totals"]
    # Headcount 3 + 9 + 1 = 13; 2/3 of 13 -> 9 supporters, 4 so far -> 5 more.
    # Per unit: ER 2, ICU 2, no unit 1 -> 5 as well.
    assert (t["headcount"], t["supporters"], t["target_supporters"], t["supporters_needed"],
            t["supporters_needed_in_units"]) == (13, 4, 9, 5, 5)
    assert (t["committee_needed"], t["committee_gap"], t["units_at_target"]) == (3, 2, 0)


def test_a_target_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="target"):
        structure(icu_of_nine().snapshot(), target=66)
