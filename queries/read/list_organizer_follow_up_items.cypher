// One organizer's open follow-up items due by a date (a page of the list), in the order of
// mapper.readmodel.ITEM_FIELDS, as one collected list; the organizer by its node's key.
MATCH (o:Node {key: $organizer})
MATCH (i:FollowUpItem {campaign: $campaign})
WHERE i.due <= $due_by AND i.organizer = o.name
RETURN collect([i.campaign, i.person, i.id, i.kind, i.conversation, i.organizer, i.name, i.what,
                i.conversation_date, i.due]) AS rows
