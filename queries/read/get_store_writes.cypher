// How many write transactions the store has taken its lock for (write/lock_store moves it,
// first in each): read before and after something, equal when no write committed between.
MATCH (m:StoreMeta {id: 'meta'})
RETURN coalesce(m.writes, 0) AS writes
