// Per organizer, of a campaign's open follow-up items due from $from (the earlier of today and
// the last day shown) on: how many are due after $due_by, and how many from $today to $due_by.
// ISO strings compare as dates; the range is read through follow_up_item_due.
MATCH (i:FollowUpItem {campaign: $campaign})
WHERE i.due >= $from
RETURN i.organizer AS organizer,
       sum(CASE WHEN i.due > $due_by THEN 1 ELSE 0 END) AS after,
       sum(CASE WHEN i.due >= $today AND i.due <= $due_by THEN 1 ELSE 0 END) AS coming
