// The campaign's latest 1-on-1 or update among the people still in the workplace (the day the
// ladder and took action are as of when none is given): the first entry of the index of their
// dates, read backwards (schema/create_person_row_latest_index; ordered by every property of
// the index, the server reads the one entry, not every row of the campaign); none when no
// one is dated.
MATCH (r:PersonRow)
USING INDEX r:PersonRow(campaign, left, last_date)
WHERE r.campaign = $campaign AND r.left = 0 AND r.last_date IS NOT NULL
RETURN r.last_date AS latest
ORDER BY r.campaign DESC, r.left DESC, r.last_date DESC
LIMIT 1
