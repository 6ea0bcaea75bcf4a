"""Analytics results as plain tables (title, column headers, rows of strings) for the CLI.

No rich import here. Every cell is a string of plain text: stored names go in as typed, and
a name may look like markup (``[/x]``, ``[link=...]``, ``:warning:``). A caller prints titles,
headers and cells as plain text, never as markup (``mapper.cli`` wraps each in
``rich.text.Text`` on a console with ``markup=False``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

__all__ = [
    "Table", "TABLES", "PAGED_TABLE", "tables_for",
    "clusters_table", "bridging_table", "unit_issue_table",
    "power_issues_table", "power_table",
    "ask_queue_table", "ladder_table",
    "talk_next_table", "organic_leaders_table",
    "follow_ups_table", "structure_table", "overview_table", "top_issues_table",
    "my_list_table",
]

_NONE = "—"


class Table(NamedTuple):
    """A titled table: ``columns`` are headers, each row a tuple of strings.

    A table too wide for the terminal is printed as one short block per row when it names
    ``head`` columns: their values make the row's first line, and every other column follows
    as a wrapped "Header: value" line under it (a reason is read, not squeezed into 9
    characters). A ``group`` column is printed once, above the rows that share its value.
    ``note`` explains the columns, under the table. ``foot`` is a row printed after the rows
    however few of them are shown (a total: a campaign of 25,000 units shows 50 of them, and
    its totals still).
    """

    title: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    head: tuple[str, ...] = ()
    group: str | None = None
    note: str = ""
    foot: tuple[str, ...] | None = None


def _s(value: Any) -> str:
    if value is None:
        return _NONE
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,g}"
    return str(value)


def _n(value: int) -> str:
    """A count with thousands separators: 12,345."""
    return f"{value:,}"


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _share(value: float | None) -> str:
    return _NONE if value is None else f"{round(100 * value)}%"


#: Names a cell lists of a list as long as the campaign's units or decision makers, the most
#: counted first, then how many more (at a million people a cluster spans 25,000 units, and an
#: issue names 30,000 decision makers: megabytes of table, seconds to print); ``--json`` has
#: them all.
NAMED_IN_A_CELL = 10


def _listed(items: Sequence[Any], word: Callable[[Any], str], first: int | None = None,
            total: int | None = None) -> str:
    """``word`` of each of ``items``, comma-separated; with ``first``, of the first ``first``
    and how many more (of ``total``, when ``items`` are the first of a longer list).

    >>> _listed(["ER", "ICU", "OR"], str.lower, first=2)
    'er, icu and 1 more'
    >>> _listed(["ER", "ICU"], str.lower, first=2, total=5)
    'er, icu and 3 more'
    """
    shown = items if first is None else items[:first]
    total = len(items) if total is None else max(total, len(items))
    text = ", ".join(map(word, shown)) or _NONE
    return text + (f" and {total - len(shown):,} more" if len(shown) < total else "")


def _counted(items: Iterable[dict[str, Any]], label: str, count: str = "people",
             first: int | None = None) -> str:
    """``name (n), …`` of ``items``; with ``first``, of the first ``first`` and how many more.

    >>> _counted([{"unit": u, "people": n} for u, n in (("ER", 3), ("ICU", 2), ("OR", 1))],
    ...          "unit", first=2)
    'ER (3), ICU (2) and 1 more'
    """
    return _listed(list(items), lambda i: f"{i[label]} ({i[count]})", first)


def clusters_table(result: dict[str, Any]) -> Table:
    """One row per anger cluster (:func:`~mapper.analytics.clusters.anger_clusters`).

    >>> from mapper.analytics import anger_clusters
    >>> from mapper.analytics.examples import example_snapshot
    >>> t = clusters_table(anger_clusters(example_snapshot()))
    >>> t.columns[:2], t.rows[0][:2]
    (('Cluster', 'Issues'), ('short staffing · mandatory overtime', 'short staffing (3), mandatory overtime (2)'))
    """
    # Named by its top issues, as on the page (the id is only the colour's number).
    rows = [(_s(c.get("name") or c["id"]), _counted(c["issues"], "name"), _s(c["people"]), _s(c["mean_anger"]),
             _counted(c["units"], "unit", first=NAMED_IN_A_CELL),
             _counted(c["decision_makers"], "name", first=NAMED_IN_A_CELL))
            for c in result["clusters"]]
    return Table(f"Anger clusters (anger ≥ {result['min_anger']})",
                 ("Cluster", "Issues", "People", "Mean anger", "Units", "Decision makers"), rows,
                 head=("Cluster",))


def bridging_table(result: dict[str, Any]) -> Table:
    """The bridging issues of :func:`~mapper.analytics.clusters.anger_clusters`: common ground."""
    rows = [(b["name"], _s(b["people"]), _counted(b["units"], "unit", first=NAMED_IN_A_CELL),
             _s(b["cluster"]),
             "; ".join(b["reasons"])) for b in result["bridging"]]
    return Table("Common ground (bridging issues)",
                 ("Issue", "People", "Units", "Cluster", "Why"), rows, head=("Issue",))


def unit_issue_table(result: dict[str, Any]) -> Table:
    """:func:`~mapper.analytics.clusters.unit_issue_matrix` as units × issues."""
    rows = [(unit, *(_s(n) for n in counts))
            for unit, counts in zip(result["units"], result["counts"])]
    return Table("Angry people by unit and issue",
                 ("Unit", *(i["name"] for i in result["issues"])), rows)


def power_issues_table(result: dict[str, Any]) -> Table:
    """Per issue, the decision makers named (:func:`~mapper.analytics.power.power_map`, or
    :func:`~mapper.analytics.power.power_ranking`'s issues, whose lists may hold the first
    alone: ``named`` says how many there are): the first :data:`NAMED_IN_A_CELL`, and how
    many more (at a million people an issue had 30,000 of them: 4.7 MB of table, 4 s to
    print)."""
    rows = [(i["name"], _s(i["angry"]),
             _listed(i["decision_makers"],
                     lambda d: f"{d['name']} ({d['people']} named, total anger {d['anger']})",
                     NAMED_IN_A_CELL, i.get("named")))
            for i in result["issues"]]
    return Table("Who can fix each issue", ("Issue", "Angry", "Decision makers"), rows,
                 head=("Issue",))


def power_table(result: dict[str, Any]) -> Table:
    """Per decision maker: chain, issues, people affected, trusted path."""
    rows = []
    for d in result["decision_makers"]:
        chain = " → ".join(c["name"] for c in d["chain"]) + (" (loop)" if d["chain_cycle"] else "")
        path = d["trust_path"]
        rows.append((d["name"], _s(d["title"]), chain or _NONE,
                     _counted(d["issues"], "name", "named_by"),
                     _s(d["affected"]) + (f" ({d['affected_in_chain']} with those below)"
                                          if d["affected_in_chain"] != d["affected"] else ""),
                     " → ".join(path["path"]) + f" ({path['length']})" if path else _NONE))
    return Table("Power map", ("Decision maker", "Title", "Answers to", "Named for",
                               "People affected", "Trusted path (hops)"), rows,
                 head=("Decision maker",))


def ask_queue_table(result: list[dict[str, Any]]) -> Table:
    """:func:`~mapper.analytics.readiness.ask_queue`, one row per contact.

    >>> from mapper.analytics import ask_queue
    >>> from mapper.analytics.examples import example_snapshot
    >>> ask_queue_table(ask_queue(example_snapshot())).rows[0][:4]
    ('1', 'Cruz Diaz', 'ICU', '21.1')
    """
    rows = [(_s(n), e["name"], e["unit"], _s(e["score"]) + ("" if e["ready"] else " (not ready)"),
             "; ".join(e["reasons"]), e["suggested_ask"],
             f"{e['messenger']['name']} ({e['messenger']['kind']})", _s(e.get("assigned_to")))
            for n, e in enumerate(result, 1)]
    return Table("Ready to ask", ("#", "Name", "Unit", "Score", "Why", "Suggested ask",
                                  "Messenger", "Assigned to"), rows,
                 head=("#", "Name", "Unit", "Score"))


def ladder_table(result: list[dict[str, Any]]) -> Table:
    """:func:`~mapper.analytics.readiness.ladder`: committed people and their next rung."""
    rows = [(e["name"], e["unit"], e["rung"], e["next_rung"], e["next_step"], _s(e["since"]))
            for e in result]
    return Table("Ladder of engagement", ("Name", "Unit", "Rung", "Next rung", "Next step",
                                         "Committed since"), rows, head=("Name", "Unit"))


def talk_next_table(result: dict[str, Any]) -> Table:
    """:func:`~mapper.analytics.talk_next.talk_next` people, best first."""
    rows = [(_s(n), e["name"], e["unit"], _s(e["score"]), "; ".join(e["reasons"]) or _NONE,
             (e["messenger"]["name"] + (" (committed)" if e["messenger"]["committed"] else ""))
             if e["messenger"] else _NONE, _s(e.get("assigned_to")))
            for n, e in enumerate(result["people"], 1)]
    return Table("Talk to next", ("#", "Name", "Unit", "Score", "Why", "Messenger",
                                  "Assigned to"), rows, head=("#", "Name", "Unit", "Score"))


def organic_leaders_table(result: dict[str, Any] | list[dict[str, Any]]) -> Table:
    """Organic leaders, from :func:`~mapper.analytics.talk_next.talk_next` or
    :func:`~mapper.analytics.talk_next.organic_leaders`."""
    leaders = result["organic_leaders"] if isinstance(result, dict) else result
    # An organizer is organizing, not someone never spoken with (a kept answer from before
    # the field says nothing of it).
    rows = [(e["name"], e["unit"], _s(e["ties"]),
             "organizer" if e.get("organizer") else _s(e["contacted"]), _s(e["committed"]))
            for e in leaders]
    return Table("Organic leaders (most trusted)",
                 ("Name", "Unit", "Ties", "Spoken with", "Committed"), rows)


def follow_ups_table(result: dict[str, Any]) -> Table:
    """:func:`~mapper.analytics.follow_ups.follow_ups`, grouped by organizer."""
    kinds = {"thank_you": "thank-you", "assignment": "assignment", "commitment": "commitment",
             "talk_again": "talk again"}
    rows = []
    for o in result["organizers"]:
        for i in o["items"]:
            late = i["days_overdue"]
            rows.append((o["organizer"], i["name"], kinds.get(i["kind"], i["kind"]), i["what"],
                         _s(i["due"]), f"{_days(late)} late" if late > 0 else
                         "today" if late == 0 else f"in {_days(-late)}", i["id"]))
    t = result["totals"]
    # The id is what `mapper log PERSON --done ID` closes.
    return Table(f"Follow-ups on {result['today']} ({_n(t['overdue'])} overdue, "
                 f"{_n(t['due'])} due)",
                 ("Organizer", "Name", "Kind", "What", "Due", "When", "Id"), rows,
                 head=("Name", "Kind", "Due", "When"), group="Organizer",
                 note="Close an item with `mapper log PERSON --done ID`.")


def structure_table(result: dict[str, Any]) -> Table:
    """:func:`~mapper.analytics.structure.structure`, one row per unit and a total."""
    def row(label: str, u: dict[str, Any]) -> tuple[str, ...]:
        return (label, _s(u["headcount"]), f"{_n(u['contacted'])} ({_share(u['contacted_share'])})",
                f"{_n(u['supporters'])} ({_share(u['supporter_share'])})",
                _s(u["target_supporters"]), _s(u["supporters_needed"]),
                f"{_n(u['committed'])}/{_n(u['committee_needed'])}", _s(u["committee_gap"]))
    rows = [row(u["unit"], u) for u in result["units"]]
    return Table(f"Structure (target {round(100 * result['target'])}% supporters, "
                 f"1 committee member per {result['committee_ratio']})",
                 ("Unit", "People", "Contacted", "Supporters", "Target", "Needed",
                  "Committee", "Gap"), rows,
                 note="People: headcount. Needed: supporters still needed to reach the target "
                      "(the total adds up the units). Committee: committed / members needed; "
                      "Gap: committed people still needed.",
                 foot=row("Total", result["totals"]))


_COUNT_LABELS = {"took_action": "kept a commitment"}


def overview_table(result: dict[str, Any]) -> Table:
    """The counts of :func:`~mapper.analytics.overview.overview`."""
    c, a, k = result["counts"], result["assessment"], result["commitments"]
    # took_action counts people with a commitment marked kept: not the Overview page's "took
    # action" (the ladder's second rung or more), so it is not called that here.
    rows = [(_COUNT_LABELS.get(name, name.replace("_", " ")), _s(v)) for name, v in c.items()]
    rows.append(("assessment 1..5 / unrated",
                 " / ".join(_s(a[str(i)]) for i in range(1, 6)) + f" / {a['unrated']}"))
    rows.append(("asks: yes / maybe / no / unanswered",
                 f"{k['yes']} / {k['maybe']} / {k['no']} / {k['unanswered']} of {k['asked']}"))
    if "kept" in k:
        rows.append(("yeses kept / missed", f"{k['kept']} / {k['missed']}"))
    return Table("Overview", ("Measure", "Value"), rows)


def top_issues_table(result: dict[str, Any]) -> Table:
    """The top issues of :func:`~mapper.analytics.overview.overview`."""
    rows = [(i["name"], _s(i["people"]), _s(i["mean_anger"])) for i in result["top_issues"]]
    return Table("Top issues", ("Issue", "Angry people", "Mean anger"), rows)


def my_list_table(result: dict[str, Any]) -> Table:
    """:func:`~mapper.analytics.my_list.my_list`: each organizer's contacts, soonest due first.

    >>> import datetime as dt
    >>> from mapper.analytics import my_list
    >>> from mapper.analytics.examples import CampaignBuilder
    >>> b = CampaignBuilder("c")
    >>> b.assign("Ana", "Maya", "2026-11-21")
    >>> my_list_table(my_list(b.snapshot(), today=dt.date(2026, 11, 23))).rows
    [('Maya', 'Ana', '—', 'first 1-on-1', '—', '2026-11-21')]
    """
    rows = [(o["organizer"], c["name"], _s(c["unit"]), c["what"],
             _s(c["due"]) + (" (overdue)" if c["overdue"] else ""), _s(c["assigned"]))
            for o in result["organizers"] for c in o["contacts"]]
    counts = [f"{o['organizer']}: {o['counts']['contacts']} contacts, "
              f"{o['counts']['overdue']} overdue" for o in result["organizers"]]
    return Table("My list" + (f" ({'; '.join(counts)})" if counts else ""),
                 ("Organizer", "Name", "Unit", "Next", "Due", "Assigned"), rows,
                 head=("Name", "Unit", "Due"), group="Organizer")


#: CLI command -> the tables that show its result, in order.
TABLES: dict[str, tuple[Callable[[Any], Table], ...]] = {
    "clusters": (clusters_table, bridging_table),
    "unit-issues": (unit_issue_table,),
    "power": (power_issues_table, power_table),
    "ask-queue": (ask_queue_table,),
    "ladder": (ladder_table,),
    "talk-next": (talk_next_table, organic_leaders_table),
    "follow-ups": (follow_ups_table,),
    "structure": (structure_table,),
    "overview": (overview_table, top_issues_table),
    "my-list": (my_list_table,),
}


#: Which of a command's tables lists an answer kept in pages
#: (:data:`mapper.analytics.stored.PAGED`), a row per entry of its long list: a command reads
#: the entries it shows, and says how many more there are.
PAGED_TABLE = {"talk-next": 0, "power": 1}


def tables_for(command: str, result: Any) -> list[Table]:
    """The tables for a CLI command's result.

    >>> from mapper.analytics import structure
    >>> from mapper.analytics.examples import example_snapshot
    >>> [t.title[:9] for t in tables_for("structure", structure(example_snapshot()))]
    ['Structure']
    """
    return [f(result) for f in TABLES[command]]
