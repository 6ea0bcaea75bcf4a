// Whose each stored 1-on-1 or update of these ids is (mapper.apart), read without its body:
// its graph node, keyed by the record's id and written in the record's transaction, holds the
// organizer as the record gives it (none: an update naming none). A fifth of reading the
// bodies for an import's chunk of 5,000 stored 1-on-1s.
UNWIND $ids AS id
MATCH (n:Node {key: id})
WHERE n.kind IN ['Conversation', 'Update']
RETURN id, n.organizer AS organizer
