MATCH (d:Node {campaign: $campaign, kind: 'DecisionMaker'})-[e:REPORTS_TO]->(boss)
WHERE e.campaign = $campaign
RETURN [d.key, boss.key] AS row
