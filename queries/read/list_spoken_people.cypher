// Which of these people of a campaign were spoken with and are still in the workplace, as one
// collected list of keys (mapper.stores.base.Store._spoken: the people the ladder's
// committed referred, 122,409 at a million).
UNWIND $people AS person
MATCH (r:PersonRow {person: person})
WHERE r.campaign = $campaign AND r.left = 0 AND r.contacted = 1
RETURN collect(r.person) AS people
