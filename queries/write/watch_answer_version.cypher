// After keeping an answer of $version, while that is the store's version: the write that
// leaves it stamps when (increment_version). In the answer's transaction, which holds the meta
// node's lock (lock_store_for_answers), so no write moves the version meanwhile.
MATCH (m:StoreMeta {id: 'meta'})
WHERE m.version = $version
MERGE (:AnswerVersion {v: $version})
