// Each organizer's count of a campaign's open follow-up items, found and kept by both.
CREATE INDEX follow_up_total IF NOT EXISTS
FOR (t:FollowUpTotal) ON (t.campaign, t.organizer)
