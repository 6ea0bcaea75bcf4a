// Each tie or referral between someone and a committed person still in the workplace.
MATCH (r:PersonRow {campaign: $campaign})
WHERE r.committed = 1 AND r.left = 0
MATCH (c:Node {key: r.person})-[e:TIED_TO|REFERRED]-(n)
WHERE e.campaign = $campaign
RETURN collect([n.key, c.key]) AS rows
