// People, issues and organizers: (key, name) of one kind in one campaign.
MATCH (n:Node {campaign: $campaign, kind: $kind})
RETURN [n.key, n.name] AS row
