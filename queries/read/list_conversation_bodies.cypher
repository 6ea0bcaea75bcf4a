// The stored bodies of 1-on-1s by store key, as one collected list of [campaign, body]: the
// words a reader is allowed to see are picked out of them by the caller.
UNWIND $ids AS id
MATCH (r:Record {id: id})
WHERE r.kind = 'conversation'
RETURN collect([r.campaign, r.body]) AS rows
