MATCH (d:Node {campaign: $campaign, kind: 'DecisionMaker'})-[e:REPORTS_TO]->(boss)
WHERE e.campaign = $campaign
RETURN collect([d.key, boss.key]) AS rows
