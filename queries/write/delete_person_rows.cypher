// The rows of where these people stand, before they are written again.
UNWIND $people AS person
MATCH (r:PersonRow {person: person})
DELETE r
