MATCH (s:Session {id_hash: $id_hash})
DELETE s
