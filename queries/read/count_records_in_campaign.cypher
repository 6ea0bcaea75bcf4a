MATCH (r:Record)
WHERE r.campaign = $campaign AND r.kind IS NOT NULL
RETURN r.kind AS kind, count(*) AS n
ORDER BY kind
