MATCH (p:Node {campaign: $campaign, kind: 'Person'})-[e:ANGRY_ABOUT]->(i)
WHERE e.campaign = $campaign
RETURN p.key AS person, i.key AS issue, e.anger AS anger, e.witnessed_harm AS witnessed_harm,
       e.source AS conversation, e.date AS date
