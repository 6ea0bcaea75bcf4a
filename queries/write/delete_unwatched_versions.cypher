// Let go of the versions no stored answer is kept at any more (watch_answer_version).
MATCH (a:Answer)
WITH collect(DISTINCT a.version) AS kept
MATCH (w:AnswerVersion)
WHERE NOT w.v IN kept
DELETE w
