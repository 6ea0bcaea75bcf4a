// The ask queue's rows of a campaign's people still in the workplace with a 1-on-1 or an update
// (mapper.stores.base.Store._ask_rows).
MATCH (r:PersonRow {campaign: $campaign})
WHERE r.left = 0 AND r.last_date IS NOT NULL
RETURN collect([r.person, r.name, r.unit, r.contacted, r.committed, r.last_date, r.own_points,
                r.ready, r.ask_date, r.ask_response, r.tried_date, r.angers, r.yes_asks, r.organizer, r.trusted]) AS rows
