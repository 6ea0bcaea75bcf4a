// The read model's open follow-up items of these people, before they are written again.
UNWIND $people AS person
MATCH (i:FollowUpItem {person: person})
DELETE i
