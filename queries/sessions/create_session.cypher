// Only the hash of the session id is stored; the id itself is in the browser's cookie only.
CREATE (:Session {id_hash: $id_hash, username: $username, created: $created,
                  last_seen: $created, fingerprint: $fingerprint})
