// Move a campaign's counts of its people's rows (mapper.readmodel.row_counts; a unit's, in one
// node: write/count_unit_rows) as a write changed the rows: each row [campaign, kind, key, sub,
// change], in the write's transaction.
UNWIND $rows AS r
MERGE (c:ReadCount {campaign: r[0], kind: r[1], key: r[2], sub: r[3]})
ON CREATE SET c.n = r[4]
ON MATCH SET c.n = c.n + r[4]
