// The people the edges of these records reach, before the records are replaced or deleted:
// their rows of where each person stands change. Typed, as write/delete_edges_by_source is,
// to use the per-type `source` indexes.
MATCH (a)-[r:HELD|WITH|IN_CAMPAIGN|ANGRY_ABOUT|NAMES|CONTROLS|WORKS_FOR|MADE|HAS_SKILL|IN_UNIT|REFERRED|TIED_TO|REPORTS_TO|ABOUT|ASSIGNED]->(b)
WHERE r.source IN $ids
UNWIND [a, b] AS n
WITH n
WHERE n.kind = 'Person'
RETURN DISTINCT n.key AS person
