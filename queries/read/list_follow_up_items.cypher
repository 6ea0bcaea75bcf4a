// A campaign's open follow-up items due by a date (ISO strings compare as dates), in the order
// of mapper.readmodel.ITEM_FIELDS, as one collected list (the driver decodes one list of lists
// several times faster than as many records).
MATCH (i:FollowUpItem {campaign: $campaign})
WHERE i.due <= $due_by
RETURN collect([i.campaign, i.person, i.id, i.kind, i.conversation, i.organizer, i.name, i.what,
                i.conversation_date, i.due]) AS rows
