// Before delete_records: the stored answers of the campaigns of the records deleted or
// rewritten (an answer may name the person a forget erases), in the same transaction.
MATCH (a:Answer)
WHERE a.campaign IN $campaigns
   OR EXISTS { MATCH (r:Record) WHERE r.id IN $ids AND r.campaign = a.campaign }
DELETE a
