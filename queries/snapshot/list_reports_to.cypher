MATCH (d:Node {campaign: $campaign, kind: 'DecisionMaker'})-[e:REPORTS_TO]->(boss)
WHERE e.campaign = $campaign
RETURN d.key AS decision_maker, boss.key AS boss
