// A campaign's counts of open follow-up items per organizer, as a read-model rebuild's clearing
// ends (its items gone, its mark not moved yet): the rebuild counts them again as it writes
// the items. Returns how many went.
MATCH (m:ReadModelRebuild {campaign: $campaign, token: $token})
WHERE m.cursor IS NULL
MATCH (t:FollowUpTotal {campaign: $campaign})
WITH t
LIMIT $batch
DELETE t
RETURN count(t) AS deleted
