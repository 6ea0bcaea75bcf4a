// First writer wins: a node keeps the props of the record that created it. The kind label
// is dynamic (Neo4j 5.26+), so one statement serves every kind; the store validates kinds.
UNWIND $rows AS row
MERGE (n:Node {key: row.key})
ON CREATE SET n += row.props, n.kind = row.kind, n.campaign = row.campaign, n:$(row.kind)
