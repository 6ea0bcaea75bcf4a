// What took action counts (mapper.readmodel.took_action): the campaign's latest 1-on-1 or
// update among the people still in the workplace, and the rows of those of them committed.
MATCH (r:PersonRow {campaign: $campaign})
WHERE r.left = 0
RETURN max(r.last_date) AS latest,
       collect(CASE WHEN r.committed = 1
                    THEN [r.kept, r.yes_count, r.yes_due, r.missed_latest, r.referred] END) AS rows
