MATCH (r:Record)
RETURN r.kind AS kind, count(*) AS n
ORDER BY kind
