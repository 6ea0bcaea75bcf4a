// The follow-ups list reads a campaign's items due by a date.
CREATE INDEX follow_up_item_due IF NOT EXISTS
FOR (i:FollowUpItem) ON (i.campaign, i.due)
