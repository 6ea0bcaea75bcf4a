// Matching a new record's person by her custom id's key (opaque; it holds the campaign).
CREATE INDEX record_id_key IF NOT EXISTS
FOR (r:Record) ON (r.k_id)
