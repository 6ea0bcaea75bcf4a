// The power map's kept pairs of these keys, as they are before a write moves them: each row
// [campaign, issue, decision maker].
UNWIND $rows AS r
MATCH (c:NamedCount {campaign: r[0], issue: r[1], dm: r[2]})
RETURN r[0] AS campaign, r[1] AS issue, r[2] AS dm, c.people AS people, c.anger AS anger
