// The first campaign after $after that holds a record, or null: one seek in the record_scope
// index per kind (ordered by the index, so the first entry is the answer), not a scan of every
// record. Neo4jStore.campaigns() asks again after each campaign found.
UNWIND $kinds AS kind
CALL (kind) {
  MATCH (r:Record)
  WHERE r.kind = kind AND r.campaign > $after
  RETURN r.campaign AS campaign
  ORDER BY r.kind, r.campaign
  LIMIT 1
}
RETURN min(campaign) AS campaign
