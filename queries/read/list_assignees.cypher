// Whom each contact of a campaign is assigned to: the organizer's key and name, and the
// assignment's date (two may name one person once an alias joins two spellings: the latest
// is hers, mapper.snapshot.latest_assignments).
MATCH (o:Node {campaign: $campaign, kind: 'Organizer'})-[e:ASSIGNED]->(p)
WHERE e.campaign = $campaign
RETURN collect([p.key, o.key, o.name, e.date]) AS rows
