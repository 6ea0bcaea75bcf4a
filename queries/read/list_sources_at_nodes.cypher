// The records with an edge at one of these nodes (by key): those an alias's change may move.
UNWIND $keys AS key
MATCH (:Node {key: key})-[r]-()
RETURN DISTINCT r.source AS id
