// Every write bumps the version, so caches keyed on it notice the change.
MERGE (m:StoreMeta {id: 'meta'})
ON CREATE SET m.version = 0
SET m.version = m.version + 1
RETURN m.version AS version
