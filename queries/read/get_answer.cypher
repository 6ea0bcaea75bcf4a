MATCH (a:Answer {campaign: $campaign, question: $question, options: $options})
RETURN a.version AS version, a.computed_at AS computed_at, a.result AS result
