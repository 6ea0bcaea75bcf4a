// In batches, after delete_all_relationships, so no transaction grows with the store; the version
// node stays so that the version keeps counting up across a reset, and so do the marks of the
// campaigns' dropped answers ($dropped: Neo4jStore.clear writes them first). Needs an implicit
// transaction.
MATCH (n)
WHERE NOT n:StoreMeta AND NOT (n:Answer AND n.question = $dropped)
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF $batch ROWS
