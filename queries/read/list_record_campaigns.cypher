// The campaigns of these records (whose stored answers a forget drops).
MATCH (r:Record)
WHERE r.id IN $ids
RETURN DISTINCT r.campaign AS campaign
