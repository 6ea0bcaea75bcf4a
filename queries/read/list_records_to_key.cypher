// A page of roster rows and 1-on-1s in id order, after $after: the schema-5 migration gives
// each its lookup keys (mapper.identity.lookup_keys).
MATCH (r:Record)
WHERE r.id > $after AND r.kind IN ['roster', 'conversation']
RETURN r.id AS id, r.kind AS kind, r.campaign AS campaign, r.body AS body
ORDER BY r.id
LIMIT $limit
