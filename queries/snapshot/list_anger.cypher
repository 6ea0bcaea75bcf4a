// One batch of the campaign's nodes of a kind, in key order after $after (a key of the kind is
// `<prefix>:<campaign>:...`, so they lie between $after and $end: see _snapshot_batches), with
// its rows. Batches, not one collected list: the server holds one batch in transaction memory
// (a whole list was 1.4 GiB at 1M people), and the driver decodes a list far faster than as
// many records.
// `source` is the conversation's key, `conversation:<campaign>:<id>`: the snapshot names a
// conversation by its own id.
MATCH (p:Node) USING INDEX p:Node(key)
WHERE $after < p.key < $end AND p.campaign = $campaign AND p.kind = $kind
WITH p ORDER BY p.key LIMIT $batch
WITH collect(p) AS batch
RETURN batch[-1].key AS last,
       COLLECT { UNWIND batch AS p MATCH (p)-[e:ANGRY_ABOUT]->(i) WHERE e.campaign = $campaign
                 RETURN [p.key, i.key, e.anger, e.witnessed_harm,
                         substring(e.source, size('conversation:') + size($campaign) + 1), e.date] }
       AS rows
