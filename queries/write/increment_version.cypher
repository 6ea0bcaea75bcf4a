// Every write bumps the version, so caches keyed on it notice the change; when the version it
// leaves is one a stored answer was kept at, when it left it ($now), so a stale answer's age
// counts from this write (Store.stale_since).
MATCH (m:StoreMeta {id: 'meta'})
OPTIONAL MATCH (w:AnswerVersion {v: m.version})
WHERE w.left_at IS NULL
SET w.left_at = $now
SET m.version = m.version + 1
RETURN m.version AS version
