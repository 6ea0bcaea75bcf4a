// Whom each contact of a campaign is assigned to: the organizer's key and name.
MATCH (o:Node {campaign: $campaign, kind: 'Organizer'})-[e:ASSIGNED]->(p)
WHERE e.campaign = $campaign
RETURN collect([p.key, o.key, o.name]) AS rows
