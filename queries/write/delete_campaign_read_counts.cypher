// A campaign's counts of its people's rows, as a read-model rebuild's clearing ends (its rows
// gone, its mark not moved yet): the rebuild counts them again from its rows at its end
// (Neo4jStore._rebuilt). Returns how many went.
MATCH (m:ReadModelRebuild {campaign: $campaign, token: $token})
WHERE m.cursor IS NULL
MATCH (c:ReadCount {campaign: $campaign})
WITH c
LIMIT $batch
DELETE c
RETURN count(c) AS deleted
