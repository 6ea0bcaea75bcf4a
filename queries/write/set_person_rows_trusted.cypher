// Rows are [trusted JSON, person]: whom each person trusts among the committed; the row stamped
// as write/create_person_rows stamps it (their place in the ask queue may change).
MATCH (m:StoreMeta {id: 'meta'})
WITH m.version AS stamp
UNWIND $rows AS row
MATCH (r:PersonRow {person: row[1]})
SET r.trusted = row[0], r.stamp = stamp
