// Up to $batch of a campaign's open follow-up items, as a read-model rebuild starts (its mark
// not moved yet); the caller repeats until none is left. Returns how many went.
MATCH (m:ReadModelRebuild {campaign: $campaign, token: $token})
WHERE m.cursor IS NULL
MATCH (i:FollowUpItem {campaign: $campaign})
WITH i
LIMIT $batch
DELETE i
RETURN count(i) AS deleted
