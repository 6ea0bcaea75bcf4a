// Null dates sort first, as in SQLite (Cypher puts nulls last).
MATCH (r:Record)
WHERE r.kind = $kind AND ($campaign IS NULL OR r.campaign = $campaign)
RETURN r.id AS id, r.kind AS kind, r.campaign AS campaign, r.hash AS hash, r.body AS body
ORDER BY r.campaign, r.date IS NOT NULL, r.date, r.id
