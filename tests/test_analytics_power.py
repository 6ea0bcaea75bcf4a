"""Power map: who people hold responsible, whom those answer to, and who can reach them."""

from mapper.analytics import chain_of_command, power_map
from mapper.analytics.examples import CampaignBuilder


def issue(r: dict, name: str) -> dict:
    return next(i for i in r["issues"] if i["name"] == name)


def dm(r: dict, name: str) -> dict:
    return next(d for d in r["decision_makers"] if d["name"] == name)


def test_decision_makers_are_ranked_by_people_naming_them_then_by_their_anger() -> None:
    # Short staffing: Carl named by Ana (5) and Ben (3) -> 2 people, anger 8;
    # Dana named by Cruz (4) and Dee (5) -> 2 people, anger 9; Lee by Eve (5) -> 1 person.
    b = CampaignBuilder("c")
    for name, anger, boss in [("Ana", 5, "Carl"), ("Ben", 3, "Carl"), ("Cruz", 4, "Dana"),
                              ("Dee", 5, "Dana"), ("Eve", 5, "Lee")]:
        b.talk(name, "2026-11-01", issues={"short staffing": anger},
               named={"short staffing": boss})
    ranked = issue(power_map(b.snapshot()), "short staffing")["decision_makers"]
    assert [(d["name"], d["people"], d["anger"]) for d in ranked] == [
        ("Dana", 2, 9), ("Carl", 2, 8), ("Lee", 1, 5)]


def test_a_persons_latest_naming_replaces_an_earlier_one() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01", issues={"pay": 4}, named={"pay": "Carl"})
    b.talk("Ana", "2026-11-15", named={"pay": "Dana"})
    ranked = issue(power_map(b.snapshot()), "pay")["decision_makers"]
    assert [(d["name"], d["people"], d["anger"]) for d in ranked] == [("Dana", 1, 4)]


def test_chain_follows_whom_each_answers_to_up_to_the_top() -> None:
    b = CampaignBuilder("c")
    b.boss("Carl", title="CNO", reports_to="Dana")
    b.boss("Dana", title="CEO", reports_to="Board")
    r = power_map(b.snapshot())
    assert [c["name"] for c in dm(r, "Carl")["chain"]] == ["Dana", "Board"]
    assert dm(r, "Carl")["chain_cycle"] is False
    assert [d["name"] for d in dm(r, "Dana")["direct_reports"]] == ["Carl"]
    assert dm(r, "Board")["chain"] == []


def test_chain_stops_where_it_loops() -> None:
    b = CampaignBuilder("c")
    b.boss("Carl", reports_to="Dana")
    b.boss("Dana", reports_to="Carl")
    assert chain_of_command(b.snapshot(), "dm:c:carl") == (["dm:c:dana"], True)
    assert dm(power_map(b.snapshot()), "Carl")["chain_cycle"] is True


def test_people_affected_are_those_angry_about_a_boss_issues_in_the_boss_area() -> None:
    # Carl is named for staffing by Ana only; Ana, Ben are angry about it, Cruz only a little.
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01", issues={"short staffing": 5}, named={"short staffing": "Carl"})
    b.talk("Ben", "2026-11-01", issues={"short staffing": 3})
    b.talk("Cruz", "2026-11-01", issues={"short staffing": 2})
    carl = dm(power_map(b.snapshot()), "Carl")
    assert carl["affected"] == 2
    assert carl["issues"] == [{"key": "issue:c:short staffing", "name": "short staffing",
                               "named_by": 1, "angry": 2}]


def path_campaign() -> CampaignBuilder:
    """Yara said yes and is not angry; she trusts Xan, who trusts Zoe; Zoe is angry about
    pay, which Ana (no ties) blamed on Carl. Nearest affected person: Zoe, two hops away."""
    b = CampaignBuilder("c")
    b.talk("Yara", "2026-11-01", response="yes")
    b.talk("Ana", "2026-11-01", issues={"pay": 4}, named={"pay": "Carl"})
    b.talk("Zoe", "2026-11-02", issues={"pay": 5})
    b.tie("Yara", "Xan")
    b.tie("Xan", "Zoe")
    return b


def test_trusted_path_runs_from_a_committed_member_to_the_nearest_affected_person() -> None:
    r = power_map(path_campaign().snapshot())
    assert r["committed"] == 1
    assert dm(r, "Carl")["trust_path"] == {
        "path": ["Yara", "Xan", "Zoe"], "keys": ["person:c:yara", "person:c:xan", "person:c:zoe"],
        "length": 2}


def test_referrals_count_as_trust_for_the_path() -> None:
    b = CampaignBuilder("c")
    b.talk("Yara", "2026-11-01", response="yes", refers={"Zoe": "friend"})
    b.talk("Zoe", "2026-11-02", issues={"pay": 5}, named={"pay": "Carl"})
    assert dm(power_map(b.snapshot()), "Carl")["trust_path"]["path"] == ["Yara", "Zoe"]


def test_no_trusted_path_when_no_committed_member_can_reach_the_area() -> None:
    b = path_campaign()
    b.talk("Yara", "2026-11-10", response="no")  # her latest answer: no longer committed
    r = power_map(b.snapshot())
    assert r["committed"] == 0
    assert dm(r, "Carl")["trust_path"] is None


def test_committed_member_who_is_affected_gives_a_path_of_length_zero() -> None:
    b = path_campaign()
    b.talk("Ana", "2026-11-05", response="yes")  # Ana named Carl: she is in his area
    assert dm(power_map(b.snapshot()), "Carl")["trust_path"] == {
        "path": ["Ana"], "keys": ["person:c:ana"], "length": 0}


def test_among_equally_near_people_the_most_affected_is_reached() -> None:
    b = CampaignBuilder("c")
    b.talk("Yara", "2026-11-01", response="yes")
    b.talk("Pia", "2026-11-01", issues={"pay": 3}, named={"pay": "Carl"})
    b.talk("Quin", "2026-11-01", issues={"pay": 5})
    b.tie("Yara", "Pia")
    b.tie("Yara", "Quin")
    assert dm(power_map(b.snapshot()), "Carl")["trust_path"]["path"] == ["Yara", "Quin"]


def test_issues_nobody_has_named_a_boss_for_are_listed_empty() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01", issues={"parking": 5})
    assert power_map(b.snapshot())["issues"] == [
        {"key": "issue:c:parking", "name": "parking", "angry": 1, "named": 0, "namings": 0,
         "decision_makers": []}]


def test_decision_makers_are_listed_most_affected_first() -> None:
    b = CampaignBuilder("c")
    b.boss("Board")
    b.talk("Ana", "2026-11-01", issues={"pay": 5, "parking": 4},
           named={"pay": "Carl", "parking": "Lee"})
    b.talk("Ben", "2026-11-01", issues={"pay": 4})
    assert [(d["name"], d["affected"]) for d in power_map(b.snapshot())["decision_makers"]] == [
        ("Carl", 2), ("Lee", 1), ("Board", 0)]


def test_the_area_is_limited_to_the_units_of_the_people_who_named_the_boss() -> None:
    # Tom is named by Ana (ER). Zoe (ICU) is angry about the same issue, and committed Yara
    # trusts her, but the ICU is not Tom's area: Zoe is not affected by Tom (only Ana is),
    # and no trusted path reaches his area.
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01", unit="ER", issues={"short staffing": 4},
           named={"short staffing": "Tom"})
    b.talk("Zoe", "2026-11-01", unit="ICU", issues={"short staffing": 5})
    b.talk("Yara", "2026-11-01", unit="ICU", response="yes")
    b.tie("Yara", "Zoe")
    tom = dm(power_map(b.snapshot()), "Tom")
    assert (tom["affected"], tom["area_units"], tom["trust_path"]) == (1, ["ER"], None)
    b.tie("Yara", "Ana")
    assert dm(power_map(b.snapshot()), "Tom")["trust_path"]["path"] == ["Yara", "Ana"]


def test_people_affected_in_the_chain_add_up_everyone_below() -> None:
    # Tom answers to Carl. Carl is blamed for pay (Bo angry); Tom for staffing (Ana, Zoe).
    b = CampaignBuilder("c")
    b.boss("Tom", reports_to="Carl")
    b.talk("Bo", "2026-11-01", issues={"pay": 4}, named={"pay": "Carl"})
    b.talk("Ana", "2026-11-01", issues={"short staffing": 4}, named={"short staffing": "Tom"})
    b.talk("Zoe", "2026-11-01", issues={"short staffing": 5})
    r = power_map(b.snapshot())
    assert (dm(r, "Carl")["affected"], dm(r, "Carl")["affected_in_chain"]) == (1, 3)
    assert (dm(r, "Tom")["affected"], dm(r, "Tom")["affected_in_chain"]) == (2, 2)
