// An authoritative writer (a hierarchy row) replaces the props wholesale, as the embedded
// store does; kind and campaign stay those of the node's creator.
UNWIND $rows AS row
MERGE (n:Node {key: row.key})
ON CREATE SET n.kind = row.kind, n.campaign = row.campaign, n:$(row.kind)
WITH n, row.props AS props
SET n = props {.*, key: n.key, kind: n.kind, campaign: n.campaign}
