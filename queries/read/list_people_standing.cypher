// Where these people of a campaign stand (mapper.stores.base.Store._standing): their name,
// whether they were spoken with and whether they left; the ladder's referrals and neighbours.
UNWIND $people AS person
MATCH (r:PersonRow {person: person})
WHERE r.campaign = $campaign
RETURN r.person AS person, r.name AS name, r.contacted AS contacted, r.left AS left
