// The read model's rows (person, name, unit, angers) of the people angry about an issue at
// $min_anger or more in some 1-on-1, whether still in the workplace or not
// (mapper.stores.base.Store._angry_rows): from the issue's edges, not every row.
MATCH (:Node {key: $issue})<-[e:ANGRY_ABOUT]-(p:Node)
WHERE e.campaign = $campaign AND e.anger >= $min_anger
WITH DISTINCT p.key AS person
MATCH (r:PersonRow {person: person})
WHERE r.campaign = $campaign
RETURN collect([r.person, r.name, r.unit, r.angers]) AS rows
