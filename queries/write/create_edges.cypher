// Parallel edges from different records are expected: each remembers its `source`.
// Edges come grouped by record, each a list [type, src, dst, props]: the driver packs that
// into far fewer Bolt values than one map per edge, and packing dominates a large write.
// The count lets the store refuse a batch whose edge has an endpoint missing. `source` and
// `campaign` go in the CREATE, not a second SET: each SET adds an Eager (a full materialization).
UNWIND $records AS rec
UNWIND rec.edges AS edge
MATCH (a:Node {key: edge[1]})
MATCH (b:Node {key: edge[2]})
CREATE (a)-[r:$(edge[0]) {source: rec.source, campaign: rec.campaign}]->(b)
SET r += edge[3]
RETURN count(r) AS created
