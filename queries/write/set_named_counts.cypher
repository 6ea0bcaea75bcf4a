// The power map's kept pairs as a write moved them (mapper.readmodel.named_moves): each row
// [campaign, issue, decision maker, people, anger], in the write's transaction.
UNWIND $rows AS r
MERGE (c:NamedCount {campaign: r[0], issue: r[1], dm: r[2]})
SET c.people = r[3], c.anger = r[4]
