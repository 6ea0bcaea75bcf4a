// The next keys of a campaign's people in key order, after $after and before $before (the
// campaign's key prefix, ':' bumped to ';'): one range of the node key index, read in its
// order, so a read-model rebuild's batch reads its own people only.
MATCH (p:Node)
WHERE p.key > $after AND p.key < $before AND p:Person
RETURN p.key AS key
ORDER BY key
LIMIT $limit
