MATCH (p:Node {campaign: $campaign, kind: 'Person'})-[e:NAMES]->(d)
WHERE e.campaign = $campaign
RETURN p.key AS person, d.key AS decision_maker, e.issue AS issue, e.source AS conversation
