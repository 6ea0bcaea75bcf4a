"""Analytics: pure functions over a campaign :class:`~mapper.snapshot.Snapshot`, one question each.

Every function takes the snapshot first and options as keywords, and returns plain,
JSON-serializable dicts and lists in a stable order. The snapshot holds no stories, notes,
phones or emails. It does hold three free-text fields of a conversation: fears, the action a
person agreed to and the organizer's follow-up assignment. ``follow_ups`` and ``ladder`` return
an action or assignment to the people it concerns, and the dashboard shows that text only to the
organizer who held the conversation, or to an admin (:data:`mapper.privacy.PERSONAL_FIELDS`).

>>> from mapper.analytics.examples import example_snapshot
>>> sorted(structure(example_snapshot())["totals"])[:3]
['committed', 'committee_gap', 'committee_needed']
"""

from mapper.analytics.cached import FUNCTIONS, Analytics
from mapper.analytics.clusters import anger_clusters, issue_graph, unit_issue_matrix
from mapper.analytics.follow_ups import follow_ups
from mapper.analytics.overview import overview
from mapper.analytics.power import chain_of_command, power_map
from mapper.analytics.readiness import ask_queue, ladder
from mapper.analytics.structure import structure
from mapper.analytics.talk_next import organic_leaders, talk_next

__all__ = [
    "Analytics", "FUNCTIONS",
    "anger_clusters", "issue_graph", "unit_issue_matrix",
    "power_map", "chain_of_command",
    "ask_queue", "ladder",
    "talk_next", "organic_leaders",
    "follow_ups",
    "structure",
    "overview",
]
