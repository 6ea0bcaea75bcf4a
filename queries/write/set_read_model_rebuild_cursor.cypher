// How far a read-model rebuild has got: moved only if the mark is still as the rebuild read it
// (same token, cursor $after), so a rebuild marked again, or carried on by another process,
// stops. Returns 1 when moved, else 0.
MATCH (r:ReadModelRebuild {campaign: $campaign, token: $token})
WHERE (r.cursor IS NULL AND $after IS NULL) OR r.cursor = $after
SET r.cursor = $cursor
RETURN count(r) AS moved
