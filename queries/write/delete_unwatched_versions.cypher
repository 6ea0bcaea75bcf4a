// Let go of the versions no stored answer is kept at any more (watch_answer_version), a
// forget's marks ($dropped) aside: they stay, older than every answer.
OPTIONAL MATCH (a:Answer)
WHERE a.question <> $dropped
WITH min(a.version) AS low
MATCH (w:AnswerVersion)
WHERE w.v < low
DELETE w
