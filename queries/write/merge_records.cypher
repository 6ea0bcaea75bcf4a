// The record itself is the unit of truth; `SET r = row` also drops fields the new row lacks.
UNWIND $rows AS row
MERGE (r:Record {id: row.id})
SET r = row
