// A write replaces the read-model rows of the people it touches.
CREATE INDEX follow_up_item_person IF NOT EXISTS
FOR (i:FollowUpItem) ON (i.person)
