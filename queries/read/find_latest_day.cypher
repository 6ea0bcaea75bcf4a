// The campaign's latest 1-on-1 or update among the people still in the workplace (the day the
// ladder is as of when none is given).
MATCH (r:PersonRow {campaign: $campaign})
WHERE r.left = 0
RETURN max(r.last_date) AS latest
