// Writes right after connecting must already find their indexes online.
CALL db.awaitIndexes($timeout)
