"""Tables for the CLI: every answer becomes titled rows of strings, one cell per column."""

import datetime as dt

import pytest

from mapper.analytics import (anger_clusters, ask_queue, follow_ups, ladder, my_list, overview,
                              power_map, structure, talk_next, unit_issue_matrix)
from mapper.analytics.examples import example_snapshot
from mapper.analytics.tables import TABLES, Table, tables_for

RESULTS = {
    "clusters": lambda s: anger_clusters(s),
    "unit-issues": lambda s: unit_issue_matrix(s),
    "power": lambda s: power_map(s),
    "ask-queue": lambda s: ask_queue(s),
    "ladder": lambda s: ladder(s),
    "talk-next": lambda s: talk_next(s),
    "follow-ups": lambda s: follow_ups(s, today=dt.date(2026, 11, 20)),
    "structure": lambda s: structure(s),
    "overview": lambda s: overview(s),
    "my-list": lambda s: my_list(s, today=dt.date(2026, 11, 20)),
}


def test_every_command_has_a_result_to_show() -> None:
    assert set(RESULTS) == set(TABLES)


@pytest.mark.parametrize("command", sorted(RESULTS))
def test_every_table_has_string_cells_one_per_column(command: str) -> None:
    for table in tables_for(command, RESULTS[command](example_snapshot())):
        assert isinstance(table, Table) and table.title and table.columns
        assert table.rows, table.title
        for row in table.rows:
            assert len(row) == len(table.columns)
            assert all(isinstance(cell, str) for cell in row)


def test_structure_table_ends_with_the_totals() -> None:
    (table,) = tables_for("structure", structure(example_snapshot()))
    assert [r[0] for r in table.rows] == ["ER", "ICU", "Med-Surg"]
    assert table.foot[:4] == ("Total", "7", "5 (71%)", "3 (43%)")


def test_follow_ups_table_says_how_late_each_item_is() -> None:
    (table,) = tables_for("follow-ups", follow_ups(example_snapshot(), today=dt.date(2026, 11, 20)))
    assert table.columns == ("Organizer", "Name", "Kind", "What", "Due", "When", "Id")
    assert table.rows[0][:6] == ("Maya Ortiz", "Cruz Diaz", "thank-you",
                                 "thank-you for the 2026-11-10 conversation", "2026-11-12",
                                 "8 days late")
    # The id a `mapper log --done` closes.
    assert table.rows[0][6].startswith("thank_you:")


def test_power_table_shows_the_trusted_path_with_its_hops() -> None:
    issues, people = tables_for("power", power_map(example_snapshot()))
    lee = next(r for r in people.rows if r[0] == "Lee Chu")
    assert lee[2] == "Dana Park" and lee[-1] == "Ben Ortiz → Dee Wong (1)"
    assert ("pay", "2", "—") in issues.rows


def test_empty_answers_give_empty_tables() -> None:
    from mapper.snapshot import Snapshot
    empty = Snapshot("c")
    for command, compute in RESULTS.items():
        for table in tables_for(command, compute(empty)):
            if command not in ("structure", "overview"):
                assert table.rows == [], (command, table.title)


def test_each_issue_names_its_first_decision_makers_and_counts_the_rest() -> None:
    """At a million people an issue had 30,000 decision makers named in one cell."""
    from mapper.analytics.tables import NAMED_IN_A_CELL, power_issues_table

    named = [{"name": f"Boss {n}", "people": 100 - n, "anger": 300 - n}
             for n in range(NAMED_IN_A_CELL + 2)]
    result = {"issues": [{"name": "pay", "angry": 9, "decision_makers": named},
                         {"name": "parking", "angry": 1, "decision_makers": named[:1]}]}
    pay, parking = power_issues_table(result).rows
    assert pay[2].startswith("Boss 0 (100 named, total anger 300), Boss 1 (99 named")
    assert f"Boss {NAMED_IN_A_CELL - 1} (" in pay[2] and f"Boss {NAMED_IN_A_CELL} (" not in pay[2]
    assert pay[2].endswith(" and 2 more")
    assert parking[2] == "Boss 0 (100 named, total anger 300)"


def test_a_clusters_units_and_decision_makers_are_named_first_ten_and_counted() -> None:
    """At a million people a cluster spans thousands of units: the table names the most
    counted and says how many more (--json has them all)."""
    from mapper.analytics.tables import NAMED_IN_A_CELL, bridging_table, clusters_table

    units = [{"unit": f"Unit {n}", "people": 100 - n} for n in range(NAMED_IN_A_CELL + 5)]
    makers = [{"name": f"Boss {n}", "people": 50 - n} for n in range(NAMED_IN_A_CELL + 1)]
    issues = [{"name": f"issue {n}", "people": 40 - n} for n in range(NAMED_IN_A_CELL + 3)]
    result = {"min_anger": 3, "clusters": [{"id": 1, "name": "pay", "issues": issues,
                                            "people": 99, "mean_anger": 4.0, "units": units,
                                            "decision_makers": makers}],
              "bridging": [{"name": "pay", "people": 9, "units": units, "cluster": 1,
                            "reasons": ["angry in many units"]}]}
    row = clusters_table(result).rows[0]
    assert row[1].endswith(f"issue {NAMED_IN_A_CELL + 2} (28)")  # every issue named
    assert row[4].startswith("Unit 0 (100), Unit 1 (99)") and row[4].endswith(" and 5 more")
    assert f"Unit {NAMED_IN_A_CELL - 1} (" in row[4] and f"Unit {NAMED_IN_A_CELL} (" not in row[4]
    assert row[5].endswith(" and 1 more")
    assert bridging_table(result).rows[0][2].endswith(" and 5 more")


def test_the_overview_table_names_its_count_of_kept_commitments_as_such() -> None:
    """The overview's ``took_action`` counts people with a commitment marked kept, while the
    Overview page's "took action" is the ladder's second rung or higher (a passed date, two
    yeses, a coworker brought): the demo campaign showed "took action 0" at the command line
    and "12 took action" on the page. The table says what its number counts."""
    from mapper.analytics.tables import overview_table

    labels = [row[0] for row in overview_table(overview(example_snapshot())).rows]
    assert "took action" not in labels
    assert "kept a commitment" in labels


def test_an_organizer_among_the_organic_leaders_is_shown_as_one_not_as_never_spoken_with(
        ) -> None:
    from mapper.analytics.examples import CampaignBuilder

    b = CampaignBuilder("c")
    b.person("Maya Ortiz")
    b.talk("Ana", "2026-11-01", organizer="Maya Ortiz")
    for coworker in ("Ana", "Ben"):
        b.tie("Maya Ortiz", coworker)
    leaders = tables_for("talk-next", talk_next(b.snapshot(), leaders=1))[1]
    assert leaders.rows == [("Maya Ortiz", "(no unit)", "2", "organizer", "yes")]
