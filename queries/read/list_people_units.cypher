// Where these people work, as snapshot/list_person_units reads it for a whole campaign: unit
// edges (from conversations, referrals and the roster), plus person-to-campaign edges.
UNWIND $people AS key
MATCH (p:Node {key: key})
CALL (p) {
  MATCH (p)-[e:IN_UNIT]->(u)
  WHERE e.campaign = p.campaign
  RETURN [p.key, u.name, e.shift, e.role, coalesce(e.roster, false), coalesce(e.referral, false),
          e.date] AS row
  UNION ALL
  MATCH (p)-[e:IN_CAMPAIGN]->()
  WHERE e.campaign = p.campaign
  RETURN [p.key, null, e.shift, e.role, coalesce(e.roster, false), false, e.date] AS row
}
RETURN row
