MATCH (r:ReadModelRebuild)
RETURN r.campaign AS campaign, r.token AS token, r.cursor AS cursor
ORDER BY campaign
