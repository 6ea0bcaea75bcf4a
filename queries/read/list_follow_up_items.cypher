// A campaign's open follow-up items due by a date (ISO strings compare as dates), in the order
// of mapper.readmodel.ITEM_FIELDS.
MATCH (i:FollowUpItem {campaign: $campaign})
WHERE i.due <= $due_by
RETURN i.campaign, i.person, i.id, i.kind, i.conversation, i.organizer, i.name, i.what,
       i.conversation_date, i.due
