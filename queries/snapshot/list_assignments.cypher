// One batch of the campaign's nodes of a kind, in key order after $after (a key of the kind is
// `<prefix>:<campaign>:...`, so they lie between $after and $end: see _snapshot_batches), with
// its rows. Batches, not one collected list: the server holds one batch in transaction memory
// (a whole list was 1.4 GiB at 1M people), and the driver decodes a list far faster than as
// many records.
// An organizer's contacts, by batches of organizers (a few organizers hold many contacts).
MATCH (o:Node) USING INDEX o:Node(key)
WHERE $after < o.key < $end AND o.campaign = $campaign AND o.kind = $kind
WITH o ORDER BY o.key LIMIT $batch
WITH collect(o) AS batch
RETURN batch[-1].key AS last,
       COLLECT { UNWIND batch AS o MATCH (o)-[e:ASSIGNED]->(p) WHERE e.campaign = $campaign
                 RETURN [o.key, p.key, e.date] } AS rows
