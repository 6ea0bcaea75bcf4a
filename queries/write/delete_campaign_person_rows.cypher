// Up to $batch of a campaign's rows of where its people stand, as a read-model rebuild starts
// (its mark not moved yet); the caller repeats until none is left. Returns how many went.
MATCH (m:ReadModelRebuild {campaign: $campaign, token: $token})
WHERE m.cursor IS NULL
MATCH (r:PersonRow {campaign: $campaign})
WITH r
LIMIT $batch
DELETE r
RETURN count(r) AS deleted
