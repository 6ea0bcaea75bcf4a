// The version counter lives on one node, created once; a new store starts at the current schema.
MERGE (m:StoreMeta {id: 'meta'})
ON CREATE SET m.version = 0, m.schema = $schema
