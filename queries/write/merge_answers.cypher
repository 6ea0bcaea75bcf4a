// Keep several answers of a campaign together (Store.put_answers: the caller checked, in the
// same transaction, that the first one's stored answer is no newer).
UNWIND $answers AS x
MERGE (a:Answer {campaign: $campaign, question: x.question, options: x.options})
SET a.version = x.version, a.computed_at = x.computed_at, a.result = x.result
