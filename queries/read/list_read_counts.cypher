// A campaign's counts of its people's rows (mapper.readmodel.row_counts) of these kinds.
MATCH (c:ReadCount {campaign: $campaign})
WHERE c.kind IN $kinds AND c.n <> 0
RETURN c.kind AS kind, c.key AS key, c.sub AS sub, c.n AS n
