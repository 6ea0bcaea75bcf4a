// The organizers these people are assigned to, as snapshot/list_assignments reads them.
UNWIND $people AS key
MATCH (o:Node {kind: 'Organizer'})-[e:ASSIGNED]->(p:Node {key: key})
WHERE e.campaign = p.campaign
RETURN [o.key, p.key, e.date] AS row
