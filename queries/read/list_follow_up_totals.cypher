// Each organizer's count of a campaign's open follow-up items (every due date).
MATCH (t:FollowUpTotal {campaign: $campaign})
WHERE t.n > 0
RETURN t.organizer AS organizer, t.n AS n
