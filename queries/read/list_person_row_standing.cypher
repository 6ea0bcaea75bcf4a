// Whether these people are committed and still in the workplace, as their rows said before a
// write: where that changes, the people tied to them trust the committed differently.
UNWIND $people AS person
MATCH (r:PersonRow {person: person})
RETURN r.person AS person, r.committed AS committed, r.left AS left
