// How many organizers a campaign has, by name.
MATCH (n:Node {campaign: $campaign, kind: 'Organizer'})
RETURN count(DISTINCT n.name) AS organizers
