// Relationships first, in batches: detaching a hub node (a campaign, a widely shared issue)
// would otherwise delete millions of relationships in one transaction. Needs an implicit
// transaction.
MATCH ()-[r]->()
CALL (r) {
  DELETE r
} IN TRANSACTIONS OF $batch ROWS
