MATCH (o:Node {campaign: $campaign, kind: 'Organizer'})-[e:ASSIGNED]->(p)
WHERE e.campaign = $campaign
RETURN collect([o.key, p.key, e.date]) AS rows
