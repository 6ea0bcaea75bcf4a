"""Analytics: pure functions over a campaign :class:`~mapper.snapshot.Snapshot`, one question each.

Every function takes the snapshot first and options as keywords, and returns plain,
JSON-serializable dicts and lists in a stable order. The snapshot, like the graph it is read
from, holds no stories, notes, phones, emails, fears, actions or assignments — only that a
conversation has some (:data:`mapper.privacy.PERSONAL_FIELDS`). Where an answer names an action
or an assignment, its words come from :attr:`~mapper.snapshot.Snapshot.texts`, read from the
stored records by :mod:`mapper.analytics.texts` for a reader allowed to see them: the dashboard
shows an item's words only to the organizer who held the conversation, or to an admin.

>>> from mapper.analytics.examples import example_snapshot
>>> sorted(structure(example_snapshot())["totals"])[:3]
['committed', 'committee_gap', 'committee_needed']
"""

from mapper.analytics.cached import FUNCTIONS, Analytics
from mapper.analytics.clusters import anger_clusters, issue_graph, unit_issue_matrix
from mapper.analytics.follow_ups import follow_ups, open_items
from mapper.analytics.my_list import my_list
from mapper.analytics.overview import overview
from mapper.analytics.power import chain_of_command, power_map
from mapper.analytics.readiness import ask_queue, ladder
from mapper.analytics.status import left_people, person_status
from mapper.analytics.structure import structure
from mapper.analytics.talk_next import organic_leaders, talk_next

__all__ = [
    "Analytics", "FUNCTIONS",
    "anger_clusters", "issue_graph", "unit_issue_matrix",
    "power_map", "chain_of_command",
    "ask_queue", "ladder",
    "talk_next", "organic_leaders",
    "follow_ups", "open_items",
    "my_list",
    "left_people", "person_status",
    "structure",
    "overview",
]
