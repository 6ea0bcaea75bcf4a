// When the store left $version (the first write after it), where a stored answer was kept at
// it (write/watch_answer_version): none, or null, otherwise.
MATCH (w:AnswerVersion {v: $version})
RETURN w.left_at AS left_at
