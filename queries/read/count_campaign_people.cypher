// How many of a campaign's people have keys after $after and before $before (the campaign's
// key prefix, ':' bumped to ';'): what a read-model rebuild still has to do, counted over one
// range of the node key index.
MATCH (p:Node)
WHERE p.key > $after AND p.key < $before AND p:Person
RETURN count(p) AS n
