// Where each person works: unit edges (from conversations, referrals and the roster), plus
// roster rows without a unit, which say only that the person is on the roster.
// Edges are reached from their start node, found through the (campaign, kind) index; the
// edge's own campaign is still checked, as the embedded store filters on it.
// Every snapshot query returns one collected list: the driver decodes one big list far faster
// than as many records.
CALL () {
  MATCH (p:Node {campaign: $campaign, kind: 'Person'})-[e:IN_UNIT]->(u)
  WHERE e.campaign = $campaign
  RETURN [p.key, u.name, e.shift, e.role, coalesce(e.roster, false), coalesce(e.referral, false),
          e.date] AS row
  UNION ALL
  MATCH (p:Node {campaign: $campaign, kind: 'Person'})-[e:IN_CAMPAIGN]->()
  WHERE e.campaign = $campaign AND e.roster = true
  RETURN [p.key, null, e.shift, e.role, true, false, null] AS row
}
RETURN collect(row) AS rows
