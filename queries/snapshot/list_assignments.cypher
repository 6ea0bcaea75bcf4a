MATCH (o:Node {campaign: $campaign, kind: 'Organizer'})-[e:ASSIGNED]->(p)
WHERE e.campaign = $campaign
RETURN [o.key, p.key, e.date] AS row
