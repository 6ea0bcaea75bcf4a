// Never moves last_seen back (two requests of one browser may race).
MATCH (s:Session {id_hash: $id_hash})
WHERE s.last_seen < $now
SET s.last_seen = $now
