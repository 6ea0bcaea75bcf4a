// Replacing a record deletes the edges it produced: found by `source`, one index per type
// because Neo4j indexes relationship properties per type only.
CREATE INDEX tied_to_source IF NOT EXISTS
FOR ()-[r:TIED_TO]-() ON (r.source)
