// A campaign's counts of its people's rows (mapper.readmodel.row_counts), of one kind or
// (null) every kind.
MATCH (c:ReadCount {campaign: $campaign})
WHERE c.n <> 0 AND ($kind IS NULL OR c.kind = $kind)
RETURN c.kind AS kind, c.key AS key, c.sub AS sub, c.n AS n
