MATCH (s:Session {id_hash: $id_hash})
RETURN s.username AS username, s.created AS created, s.last_seen AS last_seen,
       s.fingerprint AS fingerprint
