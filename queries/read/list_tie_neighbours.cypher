// The people tied to these (ties and referrals, either way round).
UNWIND $people AS key
MATCH (n:Node {key: key})-[e:TIED_TO|REFERRED]-(m)
WHERE e.campaign = n.campaign
RETURN DISTINCT m.key AS person
