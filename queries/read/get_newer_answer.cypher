// Whether the answer stored under this key was computed from a version newer than $version, or
// the campaign's answers were dropped (a forget) at a newer one (answers kept together are kept
// only when neither: Store.put_answers).
MATCH (a:Answer {campaign: $campaign})
WHERE a.version > $version
  AND ((a.question = $question AND a.options = $options)
       OR (a.question = $dropped AND a.options = ''))
RETURN count(a) AS newer
