// The read model's open follow-up items of these people, before they are written again; each
// organizer's count of open items (write/create_follow_up_items) goes down by theirs.
UNWIND $people AS person
MATCH (i:FollowUpItem {person: person})
WITH i.campaign AS campaign, i.organizer AS organizer, collect(i) AS items
FOREACH (i IN items | DELETE i)
WITH campaign, organizer, size(items) AS n
MATCH (t:FollowUpTotal {campaign: campaign, organizer: organizer})
SET t.n = t.n - n
