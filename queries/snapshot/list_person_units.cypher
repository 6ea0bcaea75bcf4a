// Where each person works: unit edges (from conversations, referrals and the roster), plus
// person-to-campaign edges: a roster row without a unit (the person is on the roster, maybe
// with a shift or role), or a 1-on-1 that gave a shift or role but no unit.
// Edges are reached from their start node, found through the (campaign, kind) index; the
// edge's own campaign is still checked, as the embedded store filters on it.
// Every snapshot query returns one row per record, streamed as the snapshot is built: a
// collected list was the whole result in the server's transaction memory at once.
MATCH (p:Node {campaign: $campaign, kind: 'Person'})-[e:IN_UNIT]->(u)
WHERE e.campaign = $campaign
RETURN [p.key, u.name, e.shift, e.role, coalesce(e.roster, false), coalesce(e.referral, false),
        e.date] AS row
UNION ALL
MATCH (p:Node {campaign: $campaign, kind: 'Person'})-[e:IN_CAMPAIGN]->()
WHERE e.campaign = $campaign
RETURN [p.key, null, e.shift, e.role, coalesce(e.roster, false), false, e.date] AS row
