// The ties and referrals of these people, either way round, as the snapshot lists them
// ([a, b, relationship, kind]): the Person page's ties, without the campaign's.
UNWIND $people AS key
MATCH (n:Node {key: key})-[e:TIED_TO|REFERRED]-()
WHERE e.campaign = $campaign
RETURN DISTINCT startNode(e).key AS a, endNode(e).key AS b, e.relationship AS relationship,
       CASE type(e) WHEN 'TIED_TO' THEN 'tie' ELSE 'referral' END AS kind
