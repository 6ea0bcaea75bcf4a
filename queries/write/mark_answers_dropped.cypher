// After increment_version, in the transaction that dropped these campaigns' stored answers: the
// version they were dropped at, so an answer computed from an older read is not kept again
// (Store.put_answer refuses it).
MATCH (m:StoreMeta {id: 'meta'})
UNWIND $campaigns AS campaign
MERGE (a:Answer {campaign: campaign, question: $dropped, options: ''})
SET a.version = m.version, a.computed_at = $computed_at, a.result = $result
