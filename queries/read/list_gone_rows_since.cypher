// The people of a campaign whose rows were removed outright at or after store version $since
// (write/stamp_gone_rows) and have no row now: read with read/list_ask_rows_since, what a page
// of the ask queue drops from its kept ranking.
MATCH (g:GoneRow {campaign: $campaign})
WHERE g.stamp >= $since
  AND NOT EXISTS { MATCH (r:PersonRow {person: g.person}) WHERE r.campaign = $campaign }
RETURN collect(g.person) AS people
