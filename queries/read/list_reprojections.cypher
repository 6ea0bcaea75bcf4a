MATCH (p:Reprojection)
RETURN p.campaign AS campaign, p.token AS token, p.cursor AS cursor
ORDER BY campaign
