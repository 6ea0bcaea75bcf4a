// Where these people of a campaign stand (mapper.stores.base.Store._standing): their name,
// whether they were spoken with, whether they left, and their unit; the ladder's referrals and
// neighbours, and the organizers on the lists (the ask queue's messengers).
// One list, not a record each (the ladder asks of a hundred thousand people at a million).
UNWIND $people AS person
MATCH (r:PersonRow {person: person})
WHERE r.campaign = $campaign
RETURN collect([r.person, r.name, r.contacted, r.left, r.unit]) AS rows
