// Schema 9: a campaign's counts of each unit's people, kept by schema 8 as one node per unit
// and field ({sub: a UnitCounts field, n}), made one node per unit ({sub: '', counts: the n of
// each of $fields, in order}), in one transaction. MERGE: a write since may have made it.
MATCH (c:ReadCount {campaign: $campaign, kind: 'unit'})
WHERE c.sub <> ''
WITH c.key AS unit, collect(c) AS old, collect([c.sub, c.n]) AS counts
WITH unit, old, [f IN $fields | reduce(t = 0, p IN counts |
                                       t + CASE WHEN p[0] = f THEN p[1] ELSE 0 END)] AS summed
MERGE (u:ReadCount {campaign: $campaign, kind: 'unit', key: unit, sub: ''})
ON CREATE SET u.counts = summed
ON MATCH SET u.counts = [i IN range(0, size(summed) - 1) | coalesce(u.counts[i], 0) + summed[i]]
WITH old
UNWIND old AS c
DELETE c
