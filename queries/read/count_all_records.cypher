MATCH (r:Record)
RETURN count(r) AS n
