// The rows of a campaign's people written at or after store version $since (their stamp), as
// read/list_ask_rows lists them, each followed by whether it is one of those rows (still in the
// workplace, with a 1-on-1 or an update).
MATCH (r:PersonRow {campaign: $campaign})
WHERE r.stamp >= $since
RETURN collect([r.person, r.name, r.unit, r.contacted, r.committed, r.last_date, r.own_points,
                r.ready, r.ask_date, r.ask_response, r.tried_date, r.angers, r.yes_asks,
                r.organizer, r.trusted, r.left = 0 AND r.last_date IS NOT NULL]) AS rows
