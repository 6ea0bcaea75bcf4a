// Whether the answer stored under this key was computed from a version newer than $version
// (answers kept together are kept only when their first one is not: Store.put_answers).
MATCH (a:Answer {campaign: $campaign, question: $question, options: $options})
WHERE a.version > $version
RETURN count(a) AS newer
