// The schema-10 migration: rows are [id, words] (mapper.stores.base.kept_words as JSON).
UNWIND $rows AS row
MATCH (r:Record {id: row[0]})
SET r.words = row[1]
