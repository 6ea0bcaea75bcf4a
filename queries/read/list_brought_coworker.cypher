// Which of these people brought a coworker: someone they referred (in a 1-on-1 of theirs) has
// a row spoken with and still in the workplace, as the rows are stored
// (mapper.readmodel.brought_rows).
UNWIND $people AS key
MATCH (n:Node {key: key})-[e:REFERRED]->(m)
WHERE e.campaign = n.campaign
MATCH (r:PersonRow {person: m.key})
WHERE r.contacted = 1 AND r.left = 0
RETURN DISTINCT n.key AS person, m.key AS spoken
