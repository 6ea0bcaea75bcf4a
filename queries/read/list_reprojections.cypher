MATCH (p:Reprojection)
RETURN p.campaign AS campaign, p.token AS token, p.cursor AS cursor,
       p.spellings AS spellings, p.nodes AS nodes
ORDER BY campaign
