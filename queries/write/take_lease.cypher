// Take or renew a lease (one refresher of stored answers per store). The first SET takes the
// node's write lock, so the holder read after it is the last one committed.
MERGE (l:AnswerLease {name: $name})
SET l.claims = coalesce(l.claims, 0) + 1
WITH l
WHERE l.holder IS NULL OR l.holder = $holder OR l.expires <= $now
SET l.holder = $holder, l.expires = $until
RETURN l.holder AS holder
