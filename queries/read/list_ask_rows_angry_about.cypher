// The ask queue's rows (as read/list_ask_rows) of the people angry about these issues at
// $min_anger or more in some 1-on-1 (mapper.stores.base.Store._ask_rows_angry_about): from
// each issue's few edges, when its points moved under a kept ranking.
UNWIND $issues AS key
MATCH (:Node {key: key})<-[e:ANGRY_ABOUT]-(p:Node)
WHERE e.campaign = $campaign AND e.anger >= $min_anger
WITH DISTINCT p.key AS person
MATCH (r:PersonRow {person: person})
WHERE r.campaign = $campaign AND r.left = 0 AND r.last_date IS NOT NULL
RETURN collect([r.person, r.name, r.unit, r.contacted, r.committed, r.last_date, r.own_points,
                r.ready, r.ask_date, r.ask_response, r.tried_date, r.angers, r.yes_asks,
                r.organizer, r.trusted]) AS rows
