// In batches, so a large store never needs one huge transaction; the version node stays so
// that the version keeps counting up across a reset. Needs an implicit transaction.
MATCH (n)
WHERE NOT n:StoreMeta
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF $batch ROWS
