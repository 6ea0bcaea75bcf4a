// The names of one campaign's nodes of one kind (the form's suggestions: issues, decision
// makers, units, organizers).
MATCH (n:Node {campaign: $campaign, kind: $kind})
RETURN n.name AS name
