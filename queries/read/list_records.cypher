// The records of one kind, of every campaign (read/list_records_in_campaign for one's). Null
// dates sort first, as in SQLite (Cypher puts nulls last). Every record has a campaign: saying
// so lets the planner seek the kind in the index of kind and campaign
// (schema/create_record_scope_index), where it read every record before (0.72 s at a million
// people).
MATCH (r:Record)
WHERE r.kind = $kind AND r.campaign IS NOT NULL
RETURN r.id AS id, r.kind AS kind, r.campaign AS campaign, r.hash AS hash, r.body AS body
ORDER BY r.campaign, r.date IS NOT NULL, r.date, r.id
