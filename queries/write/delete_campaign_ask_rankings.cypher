// A campaign's kept ask rankings (the head under $question and its parts, "$question#..."),
// as its read model's rebuild ends: the rebuild removed its rows with no stamp of those it did
// not build again (read/list_gone_rows_since sees none), so a ranking kept before it could
// hold someone no row is about.
MATCH (a:Answer {campaign: $campaign})
WHERE a.question = $question OR a.question STARTS WITH $question + '#'
DELETE a
