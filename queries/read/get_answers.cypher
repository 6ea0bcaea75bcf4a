// Several stored answers of a campaign by their [question, options] keys, read together (the
// parts of one answer kept in pages: Store.kept_ask_ranking, and talk-next's, mapper.analytics.
// stored.PAGED).
UNWIND $keys AS key
MATCH (a:Answer {campaign: $campaign, question: key[0], options: key[1]})
RETURN a.question AS question, a.options AS options, a.version AS version,
       a.computed_at AS computed_at, a.result AS result
