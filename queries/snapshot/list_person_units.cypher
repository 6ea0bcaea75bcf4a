// Where each person works: unit edges (from conversations, referrals and the roster), plus
// roster rows without a unit, which say only that the person is on the roster.
// Edges are reached from their start node, found through the (campaign, kind) index; the
// edge's own campaign is still checked, as the embedded store filters on it.
MATCH (p:Node {campaign: $campaign, kind: 'Person'})-[e:IN_UNIT]->(u)
WHERE e.campaign = $campaign
RETURN p.key AS person, u.name AS unit, e.shift AS shift, e.role AS role,
       coalesce(e.roster, false) AS roster, coalesce(e.referral, false) AS referral,
       e.date AS date
UNION ALL
MATCH (p:Node {campaign: $campaign, kind: 'Person'})-[e:IN_CAMPAIGN]->()
WHERE e.campaign = $campaign AND e.roster = true
RETURN p.key AS person, null AS unit, e.shift AS shift, e.role AS role,
       true AS roster, false AS referral, null AS date
