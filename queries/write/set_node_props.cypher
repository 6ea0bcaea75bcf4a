// Give nodes their props whole, their name among them: a decision maker no hierarchy row
// writes over any more, as the records left make him. Only those that exist and show other
// props; key, kind and campaign stay. Rows are [key, props]; returns how many changed, and
// the people among them (their read-model rows show their names).
UNWIND $rows AS row
MATCH (n:Node {key: row[0]})
WITH n, row[1] AS given
WITH n, given {.*, key: n.key, kind: n.kind, campaign: n.campaign} AS props
WHERE properties(n) <> props
SET n = props
// (collect skips the nulls of the other kinds)
RETURN count(n) AS changed, collect(CASE WHEN n.kind = 'Person' THEN n.key END) AS people
