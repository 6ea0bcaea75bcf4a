UNWIND $ids AS id
MATCH (r:Record {id: id})
RETURN r.id AS id, r.kind AS kind, r.campaign AS campaign, r.hash AS hash, r.body AS body
ORDER BY id
