MATCH (m:StoreMeta {id: 'meta'})
RETURN m.version AS version
