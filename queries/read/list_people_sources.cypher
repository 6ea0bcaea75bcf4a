// The 1-on-1s with these people and the updates about them: what their read-model rows come from.
UNWIND $people AS person
MATCH (r:Record {person: person})
WHERE r.kind IN ['conversation', 'update']
RETURN r.campaign AS campaign, r.person AS person, r.kind AS kind, r.id AS id
