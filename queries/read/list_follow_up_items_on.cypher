// One organizer's open follow-up items due on one day (where a page of the list ends), in the
// order of mapper.readmodel.ITEM_FIELDS, as one collected list.
MATCH (i:FollowUpItem {campaign: $campaign, organizer: $organizer})
WHERE i.due = $day
RETURN collect([i.campaign, i.person, i.id, i.kind, i.conversation, i.organizer, i.name, i.what,
                i.conversation_date, i.due]) AS rows
