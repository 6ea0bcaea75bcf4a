// The people whose rows of where they stand a write removed outright (their last record gone:
// replaced, merged away), each stamped with the version the write started from, as
// write/create_person_rows stamps a row: a page of the ask queue drops them from its kept
// ranking (read/list_gone_rows_since). One node a person; rows are [campaign, person].
MATCH (m:StoreMeta {id: 'meta'})
WITH m.version AS stamp
UNWIND $rows AS row
MERGE (g:GoneRow {person: row[1]})
SET g.campaign = row[0], g.stamp = stamp
