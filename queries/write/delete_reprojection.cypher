// A re-projection done; a mark set again since it started (another token) stays. Returns 1 when
// deleted, else 0.
MATCH (p:Reprojection {campaign: $campaign, token: $token})
DELETE p
RETURN count(p) AS deleted
