// The campaigns whose units' counts schema 8 kept a node per unit and field (sub: the field),
// for schema 9 to group (write/group_unit_counts): read from the counts, not the records.
MATCH (c:ReadCount)
WHERE c.kind = 'unit' AND c.sub <> ''
RETURN DISTINCT c.campaign AS campaign
ORDER BY campaign
