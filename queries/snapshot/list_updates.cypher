// Structural properties (key, kind, campaign) are dropped by the store, leaving the props.
MATCH (n:Node {campaign: $campaign, kind: 'Update'})-[:ABOUT]->(p)
RETURN [properties(n), p.key] AS row
