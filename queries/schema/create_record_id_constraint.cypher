// One stored record per id: re-sending an id replaces it.
CREATE CONSTRAINT record_id IF NOT EXISTS
FOR (r:Record) REQUIRE r.id IS UNIQUE
