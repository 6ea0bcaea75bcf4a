// A page of the follow-ups reads an organizer's first items by due date.
CREATE INDEX follow_up_item_organizer IF NOT EXISTS
FOR (i:FollowUpItem) ON (i.campaign, i.organizer, i.due)
