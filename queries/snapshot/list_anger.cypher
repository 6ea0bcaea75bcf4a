MATCH (p:Node {campaign: $campaign, kind: 'Person'})-[e:ANGRY_ABOUT]->(i)
WHERE e.campaign = $campaign
RETURN collect([p.key, i.key, e.anger, e.witnessed_harm, e.source, e.date]) AS rows
