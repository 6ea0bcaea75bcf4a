// The power map's kept pairs no one names any more: each row [campaign, issue, decision maker].
UNWIND $rows AS r
MATCH (c:NamedCount {campaign: r[0], issue: r[1], dm: r[2]})
DELETE c
