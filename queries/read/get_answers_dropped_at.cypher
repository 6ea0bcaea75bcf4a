// The version a forget or a reset dropped this campaign's stored answers at (ANSWERS_DROPPED),
// or null.
OPTIONAL MATCH (d:Answer {campaign: $campaign, question: $dropped, options: ''})
RETURN d.version AS version
