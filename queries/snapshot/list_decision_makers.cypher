MATCH (n:Node {campaign: $campaign, kind: 'DecisionMaker'})
RETURN n.key AS key, n.name AS name, n.title AS title, n.organization AS organization
