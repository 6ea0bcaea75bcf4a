// Every write bumps the version, so caches keyed on it notice the change; when the version it
// leaves is one a stored answer was kept at, when it left it ($now), so a stale answer's age
// counts from this write (Store.stale_since). The meta node first: its lock orders writes.
MATCH (m:StoreMeta {id: 'meta'})
SET m.version = m.version + 1
WITH m
OPTIONAL MATCH (w:AnswerVersion {v: m.version - 1})
WHERE w.left_at IS NULL
SET w.left_at = $now
RETURN m.version AS version
