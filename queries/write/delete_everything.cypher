// In batches, after delete_all_relationships, so no transaction grows with the store; the version node stays so
// that the version keeps counting up across a reset. Needs an implicit transaction.
MATCH (n)
WHERE NOT n:StoreMeta
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF $batch ROWS
