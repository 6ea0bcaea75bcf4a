// The people some contact assignment gives to one of these organizers (keys), whether or not
// it is each one's latest (her My list: Store._assigned_by), in key order.
UNWIND $organizers AS key
MATCH (o:Node {key: key})-[e:ASSIGNED]->(p)
WHERE e.campaign = $campaign AND o.campaign = $campaign
RETURN DISTINCT p.key AS person
ORDER BY person
