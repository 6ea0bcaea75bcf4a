// The version counter lives on one node, created once.
MERGE (m:StoreMeta {id: 'meta'})
ON CREATE SET m.version = 0
