// A campaign's kept pairs of the power map, before a rebuild's end writes them counted afresh
// (the rebuild's clearing deleted them in batches: these are what writes added since).
MATCH (c:NamedCount {campaign: $campaign})
WHERE c.issue IS NOT NULL AND c.dm IS NOT NULL  // (the pair index's prefix)
DELETE c
