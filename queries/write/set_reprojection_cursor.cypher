// How far a re-projection has got; nothing happens if the campaign was marked again since.
MATCH (p:Reprojection {campaign: $campaign, token: $token})
SET p.cursor = $cursor
