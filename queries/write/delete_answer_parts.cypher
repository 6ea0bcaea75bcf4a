// Stored answers of a campaign by their [question, options] keys, computed from a version no
// newer than $version (the pages an answer kept in pages has no more: Store.put_answers).
UNWIND $keys AS key
MATCH (a:Answer {campaign: $campaign, question: key[0], options: key[1]})
WHERE a.version <= $version
DELETE a
