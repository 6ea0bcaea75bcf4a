// Show nodes by the names an alias gives them (or their records, once no alias does): only
// those that exist and are named otherwise. Rows are [key, name]; returns how many were
// renamed, and the people among them (their read-model rows show their names).
UNWIND $rows AS row
MATCH (n:Node {key: row[0]})
WHERE n.name IS NULL OR n.name <> row[1]
SET n.name = row[1]
// (collect skips the nulls of the other kinds)
RETURN count(n) AS renamed, collect(CASE WHEN n.kind = 'Person' THEN n.key END) AS people
