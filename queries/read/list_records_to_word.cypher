// A page of 1-on-1s in id order, after $after (their keys start 'conversation:' since
// schema 2: the range ends before 'conversation;', an index seek each page), that have no
// `words` yet: the schema-10 migration gives each the words lists show
// (mapper.stores.base.kept_words).
MATCH (r:Record)
WHERE r.id > $after AND r.id < 'conversation;' AND r.kind = 'conversation'
  AND r.words IS NULL
RETURN r.id AS id, r.campaign AS campaign, r.body AS body
ORDER BY r.id
LIMIT $limit
