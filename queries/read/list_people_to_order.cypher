// The schema-16 migration: the next $limit committed people after $after (a key) by key, whose
// rows get their place in the ladder's order (write/set_person_rows_ladder_order), in batches.
MATCH (r:PersonRow)
WHERE r.person > $after AND r.committed = 1
RETURN r.person AS person
ORDER BY r.person
LIMIT $limit
