// Ties from the ties list and referrals named in conversations, told apart by `kind`.
MATCH (a:Node {campaign: $campaign, kind: 'Person'})-[e:TIED_TO|REFERRED]->(b)
WHERE e.campaign = $campaign
RETURN a.key AS a, b.key AS b, e.relationship AS relationship,
       CASE type(e) WHEN 'TIED_TO' THEN 'tie' ELSE 'referral' END AS kind
