// Which of these people of a campaign were spoken with and are still in the workplace.
UNWIND $people AS person
MATCH (r:PersonRow {person: person})
WHERE r.campaign = $campaign AND r.left = 0 AND r.contacted = 1
RETURN r.person AS person
