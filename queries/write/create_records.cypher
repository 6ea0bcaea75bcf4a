// Records the store is known not to hold (the bulk-import case): CREATE skips the MERGE's
// lookup, and the id constraint still refuses a duplicate. Rows are lists
// [id, kind, campaign, hash, date, person, body]; a null field is simply not stored.
UNWIND $rows AS row
CREATE (:Record {id: row[0], kind: row[1], campaign: row[2], hash: row[3], date: row[4],
                 person: row[5], body: row[6]})
