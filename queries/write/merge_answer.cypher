// Keep an answer, unless the one stored was computed from a newer version (a slow refresh
// finishing after a quicker one must not put an older answer back), or the campaign's answers
// were dropped at a newer version (a forget: an answer computed before it may name the person).
OPTIONAL MATCH (d:Answer {campaign: $campaign, question: $dropped, options: ''})
WITH d
WHERE d IS NULL OR d.version <= $version
MERGE (a:Answer {campaign: $campaign, question: $question, options: $options})
WITH a
WHERE coalesce(a.version, -1) <= $version
SET a.version = $version, a.computed_at = $computed_at, a.result = $result
