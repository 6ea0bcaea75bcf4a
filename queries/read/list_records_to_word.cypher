// A page of 1-on-1s in id order, after $after and before $end (their keys start
// 'conversation:' since schema 2, and $end is the first key past them: an index seek each
// page), that have no `words` yet: the schema-10 migration gives each the words lists show
// (mapper.stores.base.kept_words).
MATCH (r:Record)
WHERE r.id > $after AND r.id < $end AND r.kind = 'conversation'
  AND r.words IS NULL
RETURN r.id AS id, r.campaign AS campaign, r.body AS body
ORDER BY r.id
LIMIT $limit
