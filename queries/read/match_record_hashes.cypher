UNWIND $ids AS id
MATCH (r:Record {id: id})
RETURN r.id AS id, r.hash AS hash
