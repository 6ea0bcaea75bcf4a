// One batch of the campaign's nodes of a kind, in key order after $after (a key of the kind is
// `<prefix>:<campaign>:...`, so they lie between $after and $end: see _snapshot_batches), with
// its rows. Batches, not one collected list: the server holds one batch in transaction memory
// (a whole list was 1.4 GiB at 1M people), and the driver decodes a list far faster than as
// many records.
// Ties from the ties list and referrals named in conversations, told apart by `kind`.
MATCH (a:Node) USING INDEX a:Node(key)
WHERE $after < a.key < $end AND a.campaign = $campaign AND a.kind = $kind
WITH a ORDER BY a.key LIMIT $batch
WITH collect(a) AS batch
RETURN batch[-1].key AS last,
       COLLECT { UNWIND batch AS a MATCH (a)-[e:TIED_TO|REFERRED]->(b) WHERE e.campaign = $campaign
                 RETURN [a.key, b.key, e.relationship,
                         CASE type(e) WHEN 'TIED_TO' THEN 'tie' ELSE 'referral' END] } AS rows
