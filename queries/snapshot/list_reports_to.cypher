// One batch of the campaign's nodes of a kind, in key order after $after (a key of the kind is
// `<prefix>:<campaign>:...`, so they lie between $after and $end: see _snapshot_batches), with
// its rows. Batches, not one collected list: the server holds one batch in transaction memory
// (a whole list was 1.4 GiB at 1M people), and the driver decodes a list far faster than as
// many records.
MATCH (d:Node) USING INDEX d:Node(key)
WHERE $after < d.key < $end AND d.campaign = $campaign AND d.kind = $kind
WITH d ORDER BY d.key LIMIT $batch
WITH collect(d) AS batch
RETURN batch[-1].key AS last,
       COLLECT { UNWIND batch AS d MATCH (d)-[e:REPORTS_TO]->(boss) WHERE e.campaign = $campaign
                 RETURN [d.key, boss.key] } AS rows
