// Up to $batch of a campaign's open follow-up items, as a read-model rebuild starts (its mark
// not moved yet), their organizers' counts down by as many; the caller repeats until none is
// left. Returns how many went.
MATCH (m:ReadModelRebuild {campaign: $campaign, token: $token})
WHERE m.cursor IS NULL
MATCH (i:FollowUpItem {campaign: $campaign})
WITH i
LIMIT $batch
WITH i.organizer AS organizer, collect(i) AS items
FOREACH (i IN items | DELETE i)
WITH organizer, size(items) AS n
OPTIONAL MATCH (t:FollowUpTotal {campaign: $campaign, organizer: organizer})
FOREACH (_ IN CASE WHEN t IS NULL THEN [] ELSE [1] END | SET t.n = t.n - n)
RETURN sum(n) AS deleted
