// Each unit's kept counts as one row [unit, the counts of each UnitCounts field in order], all
// in one list: one node per unit (write/count_unit_rows), at a million people 25,000 of them.
MATCH (c:ReadCount {campaign: $campaign, kind: 'unit', sub: ''})
WHERE any(n IN c.counts WHERE n <> 0)
RETURN collect([c.key] + c.counts) AS units
