// Whether the answer stored under this key was computed from a version newer than $version, or
// the campaign's answers were dropped (a forget) at a newer one (answers kept together are kept
// only when neither: Store.put_answers). Each by its whole key.
OPTIONAL MATCH (a:Answer {campaign: $campaign, question: $question, options: $options})
OPTIONAL MATCH (d:Answer {campaign: $campaign, question: $dropped, options: ''})
RETURN CASE WHEN coalesce(a.version, -1) > $version OR coalesce(d.version, -1) > $version
            THEN 1 ELSE 0 END AS newer
