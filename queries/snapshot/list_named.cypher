MATCH (p:Node {campaign: $campaign, kind: 'Person'})-[e:NAMES]->(d)
WHERE e.campaign = $campaign
RETURN collect([p.key, d.key, e.issue, e.source]) AS rows
