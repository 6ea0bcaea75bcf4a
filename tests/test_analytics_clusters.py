"""Anger clusters: issues grouped by the people angry about them, and the common ground."""

from mapper.analytics import anger_clusters, issue_graph, unit_issue_matrix
from mapper.analytics.examples import CampaignBuilder
from mapper.snapshot import Snapshot


def two_groups() -> CampaignBuilder:
    """Two groups of anger that share no one.

    Ana (ICU) short staffing 5, overtime 4; Ben (ICU) short staffing 4, overtime 3;
    Cruz (ER) short staffing 3.  Dee (ER) parking 5, pay 4; Eve (ER) parking 4, pay 4.
    Worked out by hand: cluster 0 = {short staffing (3 people, 12 anger), overtime (2, 7)},
    3 people, 5 angry mentions summing 19 -> mean 3.8, units ICU 2, ER 1.
    Cluster 1 = {parking (2, 9), pay (2, 8)}, 2 people, mean 17 / 4 = 4.25, units ER 2.
    """
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01", unit="ICU", issues={"short staffing": 5, "overtime": 4},
           named={"short staffing": "Carl"})
    b.talk("Ben", "2026-11-02", unit="ICU", issues={"short staffing": 4, "overtime": 3},
           named={"short staffing": "Carl"})
    b.talk("Cruz", "2026-11-03", unit="ER", issues={"short staffing": 3},
           named={"short staffing": "Dana"})
    b.talk("Dee", "2026-11-04", unit="ER", issues={"parking": 5, "pay": 4})
    b.talk("Eve", "2026-11-05", unit="ER", issues={"parking": 4, "pay": 4})
    return b


def names(cluster: dict) -> list[str]:
    return [i["name"] for i in cluster["issues"]]


def test_issues_angering_the_same_people_form_one_cluster() -> None:
    r = anger_clusters(two_groups().snapshot())
    assert [names(c) for c in r["clusters"]] == [["short staffing", "overtime"], ["parking", "pay"]]
    first, second = r["clusters"]
    assert (first["id"], first["people"], first["mean_anger"]) == (0, 3, 3.8)
    assert (second["id"], second["people"], second["mean_anger"]) == (1, 2, 4.25)
    assert first["units"] == [{"unit": "ICU", "people": 2}, {"unit": "ER", "people": 1}]
    assert second["units"] == [{"unit": "ER", "people": 2}]


def test_issue_weights_are_people_angry_and_their_anger() -> None:
    staffing, overtime = anger_clusters(two_groups().snapshot())["clusters"][0]["issues"]
    assert (staffing["people"], staffing["total_anger"], staffing["mean_anger"]) == (3, 12, 4.0)
    assert (overtime["people"], overtime["total_anger"], overtime["mean_anger"]) == (2, 7, 3.5)


def test_issue_graph_links_issues_by_people_angry_about_both() -> None:
    G = issue_graph(two_groups().snapshot())
    assert G["issue:c:overtime"]["issue:c:short staffing"]["weight"] == 2
    assert G["issue:c:parking"]["issue:c:pay"]["weight"] == 2
    assert not G.has_edge("issue:c:short staffing", "issue:c:parking")


def test_issue_shared_across_units_is_marked_bridging() -> None:
    r = anger_clusters(two_groups().snapshot())
    # Only short staffing has angry people in two units (ICU, ER); no link crosses clusters.
    assert [b["name"] for b in r["bridging"]] == ["short staffing"]
    bridge = r["bridging"][0]
    assert bridge["units"] == [{"unit": "ICU", "people": 2}, {"unit": "ER", "people": 1}]
    assert bridge["reasons"] == ["angry people in 2 of 2 units"]
    flags = {i["name"]: i["bridging"] for c in r["clusters"] for i in c["issues"]}
    assert flags == {"short staffing": True, "overtime": False, "parking": False, "pay": False}


def test_links_into_another_cluster_alone_do_not_make_an_issue_bridging() -> None:
    # Everyone in one unit. Fay is angry about overtime and parking: edges staffing-overtime 2,
    # parking-pay 2, overtime-parking 1; the two pairs stay apart. The link is told, but an
    # issue found in a single unit is no common ground across units.
    b = CampaignBuilder("c")
    for name, issues in [("Ana", {"short staffing": 5, "overtime": 4}),
                         ("Ben", {"short staffing": 4, "overtime": 3}),
                         ("Dee", {"parking": 5, "pay": 4}), ("Eve", {"parking": 4, "pay": 4}),
                         ("Fay", {"overtime": 4, "parking": 4})]:
        b.talk(name, "2026-11-01", unit="ICU", issues=issues)
    r = anger_clusters(b.snapshot())
    assert sorted(sorted(names(c)) for c in r["clusters"]) == [["overtime", "short staffing"],
                                                               ["parking", "pay"]]
    assert r["bridging"] == []
    assert not any(i["bridging"] for c in r["clusters"] for i in c["issues"])


def six_units() -> CampaignBuilder:
    """Six units: a third of them is two. Worked out by hand:
    short staffing: Ana (U1), Ben (U2), Cruz (U3) -> 3 of 6 units >= 2: bridges.
    parking: Dee, Eve, Fay, all in U4 -> 1 unit: does not bridge, even with 3 people.
    pay: Gus (U5) -> 1 unit. breaks: Hal (U6), Ana (U1) -> 2 units: bridges (exactly 2).
    """
    b = CampaignBuilder("c")
    for name, unit, issues in [("Ana", "U1", {"short staffing": 5, "breaks": 4}),
                               ("Ben", "U2", {"short staffing": 4}),
                               ("Cruz", "U3", {"short staffing": 3}),
                               ("Dee", "U4", {"parking": 5, "short staffing": 3}),
                               ("Eve", "U4", {"parking": 4}), ("Fay", "U4", {"parking": 4}),
                               ("Gus", "U5", {"pay": 5}), ("Hal", "U6", {"breaks": 4})]:
        b.talk(name, "2026-11-01", unit=unit, issues=issues)
    return b


def test_an_issue_bridges_when_its_angry_people_are_in_a_third_of_the_units() -> None:
    r = anger_clusters(six_units().snapshot())
    assert (r["units_angry"], r["bridging_units"]) == (6, 2)
    assert [b["name"] for b in r["bridging"]] == ["short staffing", "breaks"]
    assert r["bridging"][0]["reasons"][0] == "angry people in 4 of 6 units"
    flags = {i["name"]: i["bridging"] for c in r["clusters"] for i in c["issues"]}
    # parking links to short staffing (Dee) and has 3 angry people, all in one unit.
    assert flags == {"short staffing": True, "breaks": True, "parking": False, "pay": False}


def test_with_seven_units_an_issue_needs_three() -> None:
    b = six_units()
    b.talk("Ivy", "2026-11-02", unit="U7", issues={"pay": 4})
    r = anger_clusters(b.snapshot())
    assert (r["units_angry"], r["bridging_units"]) == (7, 3)
    # breaks (U1, U6) and pay (U5, U7) reach only two of seven.
    assert [b["name"] for b in r["bridging"]] == ["short staffing"]


def test_clusters_are_named_by_their_top_two_issues() -> None:
    r = anger_clusters(two_groups().snapshot())
    assert [c["name"] for c in r["clusters"]] == ["short staffing · overtime", "parking · pay"]


def test_anger_below_the_threshold_does_not_count() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01", unit="ICU", issues={"parking": 2, "pay": 3})
    assert [names(c) for c in anger_clusters(b.snapshot())["clusters"]] == [["pay"]]
    lowered = anger_clusters(b.snapshot(), min_anger=2)
    assert sorted(names(lowered["clusters"][0])) == ["parking", "pay"]
    assert lowered["min_anger"] == 2


def test_a_persons_latest_mention_of_an_issue_wins() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01", unit="ICU", issues={"parking": 5})
    b.talk("Ana", "2026-11-20", unit="ICU", issues={"parking": 1, "pay": 4})
    assert [names(c) for c in anger_clusters(b.snapshot())["clusters"]] == [["pay"]]


def test_a_person_angry_about_several_issues_of_a_cluster_counts_once() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01", unit="ICU", issues={"parking": 5, "pay": 5, "breaks": 5})
    cluster = anger_clusters(b.snapshot())["clusters"][0]
    assert cluster["people"] == 1
    assert cluster["units"] == [{"unit": "ICU", "people": 1}]


def test_cluster_lists_decision_makers_named_for_its_issues_with_counts() -> None:
    r = anger_clusters(two_groups().snapshot())
    assert [(d["name"], d["people"]) for d in r["clusters"][0]["decision_makers"]] == [
        ("Carl", 2), ("Dana", 1)]
    assert r["clusters"][1]["decision_makers"] == []


def test_links_are_listed_heaviest_first() -> None:
    links = anger_clusters(two_groups().snapshot())["links"]
    assert links == [{"a": "issue:c:overtime", "b": "issue:c:short staffing", "people": 2},
                     {"a": "issue:c:parking", "b": "issue:c:pay", "people": 2}]


def test_people_without_a_unit_do_not_make_an_issue_bridging() -> None:
    b = CampaignBuilder("c")
    b.talk("Ana", "2026-11-01", unit="ICU", issues={"parking": 5})
    b.talk("Ben", "2026-11-01", issues={"parking": 5})
    r = anger_clusters(b.snapshot())
    assert r["bridging"] == []
    assert r["clusters"][0]["units"] == [{"unit": "(no unit)", "people": 1},
                                         {"unit": "ICU", "people": 1}]


def test_empty_campaign_has_no_clusters() -> None:
    r = anger_clusters(Snapshot("c"))
    assert r == {"min_anger": 3, "clusters": [], "links": [], "bridging": [], "units_angry": 0,
                 "bridging_units": 2}
    assert unit_issue_matrix(Snapshot("c")) == {"min_anger": 3, "units": [], "issues": [],
                                                "counts": []}


def test_unit_issue_matrix_counts_angry_people_per_unit_and_issue() -> None:
    m = unit_issue_matrix(two_groups().snapshot())
    # ER: Cruz staffing, Dee and Eve parking + pay = 5 mentions; ICU: Ana, Ben x2 = 4.
    assert m["units"] == ["ER", "ICU"]
    # Issues by people angry (3, then three with 2, in name order).
    assert [i["name"] for i in m["issues"]] == ["short staffing", "overtime", "parking", "pay"]
    assert m["counts"] == [[1, 0, 2, 2], [2, 2, 0, 0]]
