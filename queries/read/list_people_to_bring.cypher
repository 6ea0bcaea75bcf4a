// A page of the rows of people who referred someone, by key after $after (the schema-11
// migration: whether each brought a coworker, mapper.readmodel.brought_rows): each row's person
// and those they referred (in 1-on-1s of theirs) with a row spoken with and still in the
// workplace.
MATCH (r:PersonRow)
WHERE r.person > $after AND r.referred IS NOT NULL
WITH r ORDER BY r.person LIMIT $limit
OPTIONAL MATCH (n:Node {key: r.person})
RETURN r.person AS person,
       CASE WHEN n IS NULL THEN [] ELSE COLLECT {
         MATCH (n)-[e:REFERRED]->(m)
         WHERE e.campaign = n.campaign
         MATCH (o:PersonRow {person: m.key})
         WHERE o.contacted = 1 AND o.left = 0
         RETURN m.key
       } END AS spoken
ORDER BY person
