MATCH (m:StoreMeta {id: 'meta'})
SET m.schema = $schema, m.version = m.version + 1
