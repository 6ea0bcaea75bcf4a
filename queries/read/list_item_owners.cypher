// The organizer who owes each open follow-up item of these people (the read model's).
UNWIND $people AS person
MATCH (i:FollowUpItem {person: person})
RETURN i.id AS id, i.organizer AS organizer
