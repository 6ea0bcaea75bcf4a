// Snapshots, counts and searches read one campaign's nodes of one kind.
CREATE INDEX node_scope IF NOT EXISTS
FOR (n:Node) ON (n.campaign, n.kind)
