MATCH (p:Node {campaign: $campaign, kind: 'Person'})-[e:HAS_SKILL]->(s)
WHERE e.campaign = $campaign
RETURN [p.key, s.name] AS row
