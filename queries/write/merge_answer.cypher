// Keep an answer, unless the one stored was computed from a newer version (a slow refresh
// finishing after a quicker one must not put an older answer back).
MERGE (a:Answer {campaign: $campaign, question: $question, options: $options})
WITH a
WHERE coalesce(a.version, -1) <= $version
SET a.version = $version, a.computed_at = $computed_at, a.result = $result
