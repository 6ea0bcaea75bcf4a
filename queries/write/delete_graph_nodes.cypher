// The projected graph only (records and the meta node stay), in batches, after
// delete_all_relationships: a migration rebuilds it from the records. Needs an implicit
// transaction.
MATCH (n:Node)
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF $batch ROWS
