// One batch of the campaign's nodes of a kind, in key order after $after (a key of the kind is
// `<prefix>:<campaign>:...`, so they lie between $after and $end: see _snapshot_batches), with
// its rows. Batches, not one collected list: the server holds one batch in transaction memory
// (a whole list was 1.4 GiB at 1M people), and the driver decodes a list far faster than as
// many records.
// Structural properties (key, kind, campaign) are dropped by the store, leaving the props.
MATCH (n:Node) USING INDEX n:Node(key)
WHERE $after < n.key < $end AND n.campaign = $campaign AND n.kind = $kind
WITH n ORDER BY n.key LIMIT $batch
WITH collect(n) AS batch
RETURN batch[-1].key AS last,
       COLLECT { UNWIND batch AS n MATCH (o)-[:HELD]->(n)-[:WITH]->(p)
                 RETURN [properties(n), p.key, o.key] } AS rows
