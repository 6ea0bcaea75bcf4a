MATCH (n:Node {campaign: $campaign, kind: 'DecisionMaker'})
RETURN [n.key, n.name, n.title, n.organization] AS row
