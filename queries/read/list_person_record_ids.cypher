// Oldest first; null dates first, as in SQLite.
MATCH (r:Record {person: $person})
WHERE r.campaign = $campaign AND r.kind = 'conversation'
RETURN r.id AS id
ORDER BY r.date IS NOT NULL, r.date, r.id
