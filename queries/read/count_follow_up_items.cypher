// Each organizer's open follow-up items due by a date, and how many of them are overdue
// (due before today).
MATCH (i:FollowUpItem {campaign: $campaign})
WHERE i.due <= $due_by
RETURN i.organizer AS organizer, sum(CASE WHEN i.due < $today THEN 1 ELSE 0 END) AS overdue,
       count(*) AS items
