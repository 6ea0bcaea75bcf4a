// A person's records of one kind ($kind: her 1-on-1s, or the updates about her), oldest
// first; null dates first, as in SQLite.
MATCH (r:Record {person: $person})
WHERE r.campaign = $campaign AND r.kind = $kind
RETURN r.id AS id
ORDER BY r.date IS NOT NULL, r.date, r.id
