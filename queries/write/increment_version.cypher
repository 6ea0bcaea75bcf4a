// Every write bumps the version, so caches keyed on it notice the change.
MATCH (m:StoreMeta {id: 'meta'})
SET m.version = m.version + 1
RETURN m.version AS version
