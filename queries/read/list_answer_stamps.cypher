// The stored answers without their results (which may be megabytes each); not the mark a forget
// leaves ($dropped).
MATCH (a:Answer)
WHERE ($campaign IS NULL OR a.campaign = $campaign) AND a.question <> $dropped
RETURN a.campaign AS campaign, a.question AS question, a.options AS options,
       a.version AS version, a.computed_at AS computed_at
ORDER BY campaign, question, options
