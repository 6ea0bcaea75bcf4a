// How far a re-projection has got; nothing happens if the campaign was marked again since, or
// its mark is gone (another process finished it). Returns 1 when moved, else 0.
MATCH (p:Reprojection {campaign: $campaign, token: $token})
SET p.cursor = $cursor
RETURN count(p) AS moved
