// Schema 1 keyed a 1-on-1 by its own id; schema 2 by campaign and id, as
// mapper.projection.conversation_key does. A record already re-keyed is left alone, so an
// interrupted migration can run again. Needs an implicit transaction.
MATCH (r:Record {kind: 'conversation'})
WHERE NOT r.id STARTS WITH 'conversation:' + r.campaign + ':'
CALL (r) {
  SET r.id = 'conversation:' + r.campaign + ':' + r.id
} IN TRANSACTIONS OF $batch ROWS
