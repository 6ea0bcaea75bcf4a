// The people records were about (a 1-on-1's contact, an update's person): their read-model rows
// change when the records are replaced or deleted.
UNWIND $ids AS id
MATCH (r:Record {id: id})
WHERE r.person IS NOT NULL
RETURN DISTINCT r.person AS person
