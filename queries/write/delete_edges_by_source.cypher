// Drop what the given records produced: their edges, then any endpoint left with no edge.
// The types are spelled out because only a typed pattern can use the per-type `source`
// indexes (an untyped or dynamic-typed pattern scans every relationship); the store checks
// that this list is mapper.projection.EDGE_TYPES. `$ids` stays a parameter: a list carried
// in a variable would be copied into every row of the union's DISTINCT (quadratic memory).
MATCH ()-[r:HELD|WITH|IN_CAMPAIGN|ANGRY_ABOUT|NAMES|CONTROLS|WORKS_FOR|MADE|HAS_SKILL|IN_UNIT|REFERRED|TIED_TO|REPORTS_TO|ABOUT|ASSIGNED]->()
WHERE r.source IN $ids
WITH collect(r) AS rels, collect(startNode(r)) + collect(endNode(r)) AS touched
FOREACH (r IN rels | DELETE r)
WITH touched
UNWIND touched AS n
WITH DISTINCT n
WHERE NOT EXISTS { (n)--() }
DELETE n
