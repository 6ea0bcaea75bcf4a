// One organizer's first $limit open follow-up items due by a date, by due date (a page of the
// list), in the order of mapper.readmodel.ITEM_FIELDS, as one collected list.
MATCH (i:FollowUpItem {campaign: $campaign, organizer: $organizer})
WHERE i.due <= $due_by
WITH i
ORDER BY i.due
LIMIT $limit
RETURN collect([i.campaign, i.person, i.id, i.kind, i.conversation, i.organizer, i.name, i.what,
                i.conversation_date, i.due]) AS rows
