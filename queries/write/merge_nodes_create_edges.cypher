// The batch's graph in one statement. Nodes: first writer wins, a node keeps the props of the
// record that created it; the kind label is dynamic (Neo4j 5.26+), so one statement serves
// every kind, and the store validates kinds. Rows are lists, [key, kind, campaign, props]:
// the driver packs a list far faster than a map.
// Edges name their endpoints by position in $nodes, so each endpoint is the node just merged
// instead of a second index seek by key (two per edge were a third of the server's time).
// Edges come grouped by record, [source, campaign, edges], each edge [type, src, dst] or,
// in $props_edges, [type, src, dst, props]: a SET per edge costs even when its map is empty.
// `source` and `campaign` go in the CREATE, not a second SET: each SET adds work per row.
UNWIND $nodes AS row
MERGE (n:Node {key: row[0]})
ON CREATE SET n += row[3], n.kind = row[1], n.campaign = row[2], n:$(row[1])
WITH collect(n) AS ns
CALL (ns) {
  UNWIND $bare_edges AS rec
  UNWIND rec[2] AS edge
  WITH ns[edge[1]] AS a, ns[edge[2]] AS b, edge, rec
  CREATE (a)-[:$(edge[0]) {source: rec[0], campaign: rec[1]}]->(b)
}
CALL (ns) {
  UNWIND $props_edges AS rec
  UNWIND rec[2] AS edge
  WITH ns[edge[1]] AS a, ns[edge[2]] AS b, edge, rec
  CREATE (a)-[r:$(edge[0]) {source: rec[0], campaign: rec[1]}]->(b)
  SET r += edge[3]
}
// An edge whose endpoint no projection in the batch made (none today) is matched by key; the
// count lets the store refuse a batch where such an endpoint is missing, as a MATCH that
// finds nothing drops its row silently.
CALL () {
  UNWIND $keyed_edges AS edge
  MATCH (a:Node {key: edge[1]})
  MATCH (b:Node {key: edge[2]})
  CREATE (a)-[r:$(edge[0]) {source: edge[4], campaign: edge[5]}]->(b)
  SET r += edge[3]
  RETURN count(r) AS keyed
}
RETURN keyed
