// How many people still in the workplace each of these people trusts, over ties and referrals
// (mapper.readmodel.trusted_by: distinct neighbours, less those whose row says they left),
// counted here: the ladder asks it of a hundred thousand people at a million, whose pairs and
// neighbours' rows would otherwise all cross the wire.
UNWIND $people AS key
MATCH (n:Node {key: key})-[e:TIED_TO|REFERRED]-(o:Node)
WHERE e.campaign = $campaign AND o.key <> key
WITH key, collect(DISTINCT o.key) AS near
RETURN collect([key, size([m IN near WHERE NOT EXISTS {
         MATCH (r:PersonRow {person: m})
         WHERE r.campaign = $campaign AND r.left = 1 }])]) AS counts
