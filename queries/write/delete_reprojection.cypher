// A re-projection done; a mark set again since it started (another token) stays.
MATCH (p:Reprojection {campaign: $campaign, token: $token})
DELETE p
