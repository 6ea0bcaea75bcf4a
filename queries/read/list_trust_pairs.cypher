// [person, neighbour] of the ties and referrals of these people, either way round, each pair
// once (mapper.stores.base.Store._trust_pairs: read/list_person_ties without what each tie
// is), as one list: the ladder reads the ties of a hundred thousand people at a million.
UNWIND $people AS key
MATCH (n:Node {key: key})-[e:TIED_TO|REFERRED]-(o:Node)
WHERE e.campaign = $campaign
RETURN collect(DISTINCT [key, o.key]) AS pairs
