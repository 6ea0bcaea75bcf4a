// The records of one kind in one campaign (read/list_records for every campaign's): an index
// seek on kind and campaign (schema/create_record_scope_index). Null dates sort first, as in
// SQLite (Cypher puts nulls last).
MATCH (r:Record)
WHERE r.kind = $kind AND r.campaign = $campaign
RETURN r.id AS id, r.kind AS kind, r.campaign AS campaign, r.hash AS hash, r.body AS body
ORDER BY r.date IS NOT NULL, r.date, r.id
