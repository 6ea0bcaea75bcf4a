// `kind IS NOT NULL` lets the planner use the (campaign, kind) index.
MATCH (n:Node)
WHERE n.campaign = $campaign AND n.kind IS NOT NULL
RETURN n.kind AS kind, count(*) AS n
ORDER BY kind
