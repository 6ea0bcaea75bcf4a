// Rows are [trusted JSON, person]: whom each person trusts among the committed.
UNWIND $rows AS row
MATCH (r:PersonRow {person: row[1]})
SET r.trusted = row[0]
