// A campaign's kept pairs of the power map, as a read-model rebuild's clearing ends (its rows
// gone, its mark not moved yet), a batch at a time. Returns how many went.
MATCH (m:ReadModelRebuild {campaign: $campaign, token: $token})
WHERE m.cursor IS NULL
MATCH (c:NamedCount {campaign: $campaign})
WHERE c.issue IS NOT NULL AND c.dm IS NOT NULL  // (the pair index's prefix)
WITH c
LIMIT $batch
DELETE c
RETURN count(c) AS deleted
