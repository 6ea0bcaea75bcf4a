// The words lists show of 1-on-1s by store key, as one collected list of [words, campaign,
// body]: each record's `words` (schema 10), or, for one written without (by an older
// version still running), its campaign and body. What a reader is allowed to see is picked
// out of them by the caller.
UNWIND $ids AS id
MATCH (r:Record {id: id})
WHERE r.kind = 'conversation'
RETURN collect(CASE WHEN r.words IS NULL THEN [null, r.campaign, r.body] ELSE [r.words] END)
       AS rows
