MATCH (n:Node {campaign: $campaign, kind: 'DecisionMaker'})
RETURN collect([n.key, n.name, n.title, n.organization]) AS rows
