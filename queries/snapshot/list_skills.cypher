MATCH (p:Node {campaign: $campaign, kind: 'Person'})-[e:HAS_SKILL]->(s)
WHERE e.campaign = $campaign
RETURN collect([p.key, s.name]) AS rows
