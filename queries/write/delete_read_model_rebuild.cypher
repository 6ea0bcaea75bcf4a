// A read-model rebuild done; a mark set again since it started (another token), or moved on by
// another process, stays. Returns 1 when deleted, else 0.
MATCH (r:ReadModelRebuild {campaign: $campaign, token: $token})
WHERE (r.cursor IS NULL AND $after IS NULL) OR r.cursor = $after
DELETE r
RETURN count(r) AS deleted
