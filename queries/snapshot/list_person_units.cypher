// One batch of the campaign's nodes of a kind, in key order after $after (a key of the kind is
// `<prefix>:<campaign>:...`, so they lie between $after and $end: see _snapshot_batches), with
// its rows. Batches, not one collected list: the server holds one batch in transaction memory
// (a whole list was 1.4 GiB at 1M people), and the driver decodes a list far faster than as
// many records.
// Where each person works: unit edges (from conversations, referrals and the roster), plus
// person-to-campaign edges: a roster row without a unit (the person is on the roster, maybe
// with a shift or role), or a 1-on-1 that gave a shift or role but no unit. The edge's own
// campaign is still checked, as the embedded store filters on it.
MATCH (p:Node) USING INDEX p:Node(key)
WHERE $after < p.key < $end AND p.campaign = $campaign AND p.kind = $kind
WITH p ORDER BY p.key LIMIT $batch
WITH collect(p) AS batch
RETURN batch[-1].key AS last,
       COLLECT { UNWIND batch AS p MATCH (p)-[e:IN_UNIT]->(u) WHERE e.campaign = $campaign
                 RETURN [p.key, u.name, e.shift, e.role, coalesce(e.roster, false),
                         coalesce(e.referral, false), e.date] }
       + COLLECT { UNWIND batch AS p MATCH (p)-[e:IN_CAMPAIGN]->() WHERE e.campaign = $campaign
                   RETURN [p.key, null, e.shift, e.role, coalesce(e.roster, false), false, e.date] }
       AS rows
