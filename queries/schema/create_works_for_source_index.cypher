// Replacing a record deletes the edges it produced: found by `source`, one index per type
// because Neo4j indexes relationship properties per type only.
CREATE INDEX works_for_source IF NOT EXISTS
FOR ()-[r:WORKS_FOR]-() ON (r.source)
