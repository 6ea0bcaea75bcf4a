// Whose each stored 1-on-1 or update of these ids is, and about whom (mapper.apart), read
// without its body: its graph node, keyed by the record's id and written in the record's
// transaction, holds the organizer as the record gives it (none: an update naming none); its
// Record node the key of the person its projection made it with or about (as its WITH or
// ABOUT edge ends). A fifth of reading the bodies for an import's chunk of 5,000 stored 1-on-1s.
UNWIND $ids AS id
MATCH (n:Node {key: id})
WHERE n.kind IN ['Conversation', 'Update']
OPTIONAL MATCH (r:Record {id: id})
RETURN id, n.organizer AS organizer, r.person AS person
