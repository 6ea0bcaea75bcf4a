MATCH (r:Record)
RETURN DISTINCT r.campaign AS campaign
ORDER BY campaign
