// The version these campaigns' stored answers were dropped at (a forget: after increment_version,
// $ahead 0; a reset: before it deletes, $ahead 1, the version it ends at), so an answer
// computed from an older read is not kept again (Store.put_answer refuses it).
MATCH (m:StoreMeta {id: 'meta'})
UNWIND $campaigns AS campaign
MERGE (a:Answer {campaign: campaign, question: $dropped, options: ''})
SET a.version = m.version + $ahead, a.computed_at = $computed_at, a.result = $result
