// Rows are [brought, person]: whether each person brought a coworker
// (mapper.readmodel.brought_rows), set where it changed. Not stamped: the ask queue does not
// read it.
UNWIND $rows AS row
MATCH (r:PersonRow {person: row[1]})
WHERE coalesce(r.brought, 0) <> row[0]
SET r.brought = row[0]
