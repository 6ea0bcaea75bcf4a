"""Analytics: pure functions over a campaign :class:`~mapper.snapshot.Snapshot`, one question each.

Every function takes the snapshot first and options as keywords, and returns plain,
JSON-serializable dicts and lists in a stable order. The snapshot, like the graph it is read
from, holds no stories, notes, phones, emails, fears, actions or assignments — only that a
conversation has some (:data:`mapper.privacy.PERSONAL_FIELDS`). Where an answer names an action
or an assignment, its words come from :attr:`~mapper.snapshot.Snapshot.texts`, read from the
stored records by :mod:`mapper.analytics.texts` for a reader allowed to see them: the dashboard
shows an item's words only to the organizer who held the conversation, or to an admin.

>>> from mapper.analytics import structure
>>> from mapper.analytics.examples import example_snapshot
>>> sorted(structure(example_snapshot())["totals"])[:3]
['committed', 'committee_gap', 'committee_needed']
"""

import importlib
import sys
import types
from typing import Any

# Named as their modules are: imported now, or importing the module would leave the package
# attribute naming the module, not the function.
from mapper.analytics.follow_ups import follow_ups, open_items
from mapper.analytics.my_list import my_list
from mapper.analytics.overview import overview
from mapper.analytics.structure import structure

# Imported when first named (PEP 562), not with the package: a command that answers from the
# read model (mapper.readmodel) needs one module, not networkx and igraph (0.4 s of a start).
_WHERE = {
    "Analytics": "cached", "FUNCTIONS": "cached",
    "anger_clusters": "clusters", "issue_graph": "clusters", "unit_issue_matrix": "clusters",
    "follow_ups": "follow_ups", "open_items": "follow_ups",
    "my_list": "my_list",
    "overview": "overview",
    "chain_of_command": "power", "power_map": "power", "power_ranking": "power",
    "ask_queue": "readiness", "ladder": "readiness",
    "left_people": "status", "person_status": "status",
    "structure": "structure",
    "organic_leaders": "talk_next", "talk_next": "talk_next",
}

__all__ = [
    "Analytics", "FUNCTIONS",
    "anger_clusters", "issue_graph", "unit_issue_matrix",
    "power_map", "power_ranking", "chain_of_command",
    "ask_queue", "ladder",
    "talk_next", "organic_leaders",
    "follow_ups", "open_items",
    "my_list",
    "left_people", "person_status",
    "structure",
    "overview",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Questions(types.ModuleType):
    """The package, keeping a question's name for the function when its module (named the
    same: ``talk_next``) is imported after the package: the import system then sets the
    package's attribute to the module, and ``analytics.talk_next(snap)`` would call a module."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _WHERE.get(name) == name:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Questions
