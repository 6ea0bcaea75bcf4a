// One session per id: two sign-ins can never share a row.
CREATE CONSTRAINT session_id_hash IF NOT EXISTS
FOR (s:Session) REQUIRE s.id_hash IS UNIQUE
