// The first statement of every write transaction: it takes the write lock of the one meta
// node, so write transactions run one after another and what a batch finds stored (its ids'
// hashes, read next) cannot change before it commits, whatever other clients write.
MATCH (m:StoreMeta {id: 'meta'})
SET m.writes = coalesce(m.writes, 0) + 1
