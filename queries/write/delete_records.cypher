// Deleted records, after delete_edges_by_source dropped what they produced.
MATCH (r:Record)
WHERE r.id IN $ids
DELETE r
