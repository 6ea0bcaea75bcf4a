// A schema step is a write: the version moves, stamped as increment_version stamps it.
MATCH (m:StoreMeta {id: 'meta'})
SET m.schema = $schema, m.version = m.version + 1
WITH m
OPTIONAL MATCH (w:AnswerVersion {v: m.version - 1})
WHERE w.left_at IS NULL
SET w.left_at = $now
