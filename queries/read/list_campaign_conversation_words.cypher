// The words lists show of every 1-on-1 of a campaign, as one collected list of [words,
// campaign, body]: as read/list_conversation_words.
MATCH (r:Record)
WHERE r.kind = 'conversation' AND r.campaign = $campaign
RETURN collect(CASE WHEN r.words IS NULL THEN [null, r.campaign, r.body] ELSE [r.words] END)
       AS rows
