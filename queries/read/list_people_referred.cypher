// Whom these people referred (in their own 1-on-1s), as snapshot/list_ties reads referrals.
UNWIND $people AS key
MATCH (p:Node {key: key})-[e:REFERRED]->(o)
WHERE e.campaign = p.campaign
RETURN p.key AS person, o.key AS referred
