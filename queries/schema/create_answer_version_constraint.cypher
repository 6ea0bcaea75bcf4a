// One node per store version a stored answer was kept at (write/watch_answer_version): the
// write that leaves that version finds it by its number, and stamps when (increment_version).
CREATE CONSTRAINT answer_version IF NOT EXISTS
FOR (w:AnswerVersion) REQUIRE w.v IS UNIQUE
