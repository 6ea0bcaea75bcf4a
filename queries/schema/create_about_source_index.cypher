// Replacing a record deletes the edges it produced: found by `source`, one index per type
// because Neo4j indexes relationship properties per type only.
CREATE INDEX about_source IF NOT EXISTS
FOR ()-[r:ABOUT]-() ON (r.source)
