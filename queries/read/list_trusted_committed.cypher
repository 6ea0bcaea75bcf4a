// Whom each of these people trusts among the committed still in the workplace (ties and
// referrals, either way round), as pairs.
UNWIND $people AS key
MATCH (n:Node {key: key})-[e:TIED_TO|REFERRED]-(m)
WHERE e.campaign = n.campaign
MATCH (r:PersonRow {person: m.key})
WHERE r.committed = 1 AND r.left = 0
RETURN n.key AS person, m.key AS committed
