// Move a campaign's counts of each unit's people by where they stand as a write changed its
// people's rows: each row [campaign, unit, [change of each UnitCounts field, in order]], in
// the write's transaction. One node per unit holds them all (mapper structure reads 25,000
// nodes at a million people, not 150,000).
UNWIND $rows AS r
MERGE (c:ReadCount {campaign: r[0], kind: 'unit', key: r[1], sub: ''})
ON CREATE SET c.counts = r[2]
ON MATCH SET c.counts = [i IN range(0, size(r[2]) - 1) | coalesce(c.counts[i], 0) + r[2][i]]
