// Ties from the ties list and referrals named in conversations, told apart by `kind`.
MATCH (a:Node {campaign: $campaign, kind: 'Person'})-[e:TIED_TO|REFERRED]->(b)
WHERE e.campaign = $campaign
RETURN [a.key, b.key, e.relationship, CASE type(e) WHEN 'TIED_TO' THEN 'tie' ELSE 'referral' END] AS row
