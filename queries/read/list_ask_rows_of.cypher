// The ask queue's rows (as read/list_ask_rows) of these people.
UNWIND $people AS person
MATCH (r:PersonRow {person: person})
WHERE r.campaign = $campaign AND r.left = 0 AND r.last_date IS NOT NULL
RETURN collect([r.person, r.name, r.unit, r.contacted, r.committed, r.last_date, r.own_points,
                r.ready, r.ask_date, r.ask_response, r.tried_date, r.angers, r.yes_asks,
                r.organizer, r.trusted]) AS rows
