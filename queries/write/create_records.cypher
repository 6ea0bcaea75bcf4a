// Records the store is known not to hold (the bulk-import case): CREATE skips the MERGE's
// lookup, and the id constraint still refuses a duplicate. Rows are lists
// [id, kind, campaign, hash, date, person, body, k_name, k_id, k_email, k_phone, words] (k_*:
// mapper.identity.lookup_keys; words: a 1-on-1's mapper.stores.base.kept_words as JSON); a
// null field is simply not stored.
UNWIND $rows AS row
CREATE (:Record {id: row[0], kind: row[1], campaign: row[2], hash: row[3], date: row[4],
                 person: row[5], body: row[6], k_name: row[7], k_id: row[8], k_email: row[9],
                 k_phone: row[10], words: row[11]})
