// The first statement of a transaction keeping stored answers: the write lock of the meta node
// that every write (a forget among them) takes first (lock_store), without counting as a write.
// A forget's mark (ANSWERS_DROPPED) is then read after the forget commits, not beside it.
MATCH (m:StoreMeta {id: 'meta'})
SET m.answer_puts = coalesce(m.answer_puts, 0) + 1
