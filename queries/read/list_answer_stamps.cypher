// The stored answers without their results (which may be megabytes each).
MATCH (a:Answer)
WHERE $campaign IS NULL OR a.campaign = $campaign
RETURN a.campaign AS campaign, a.question AS question, a.options AS options,
       a.version AS version, a.computed_at AS computed_at
ORDER BY campaign, question, options
