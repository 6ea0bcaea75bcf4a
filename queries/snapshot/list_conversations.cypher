// Structural properties (key, kind, campaign) are dropped by the store, leaving the props.
MATCH (o)-[:HELD]->(n:Node {campaign: $campaign, kind: 'Conversation'})-[:WITH]->(p)
RETURN [properties(n), p.key, o.key] AS row
