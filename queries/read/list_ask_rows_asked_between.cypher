// The ask queue's rows (as read/list_ask_rows, one a record) of the people last asked, in a
// 1-on-1 or by a contact attempt, from $from to before $to (ISO dates): those whose wait after
// an ask a move of the queue's day from one end to the other ends or begins. Read through the
// indexes person_row_ask_date and person_row_tried_date, not the campaign's rows.
MATCH (r:PersonRow)
WHERE r.campaign = $campaign AND r.ask_date >= $from AND r.ask_date < $to
  AND r.left = 0 AND r.last_date IS NOT NULL
RETURN [r.person, r.name, r.unit, r.contacted, r.committed, r.last_date, r.own_points, r.ready,
        r.ask_date, r.ask_response, r.tried_date, r.angers, r.yes_asks, r.organizer,
        r.trusted] AS row
UNION
MATCH (r:PersonRow)
WHERE r.campaign = $campaign AND r.tried_date >= $from AND r.tried_date < $to
  AND r.left = 0 AND r.last_date IS NOT NULL
RETURN [r.person, r.name, r.unit, r.contacted, r.committed, r.last_date, r.own_points, r.ready,
        r.ask_date, r.ask_response, r.tried_date, r.angers, r.yes_asks, r.organizer,
        r.trusted] AS row
