// The day took action and the ladder are as of when none is given (the overview page's took
// action; the latest 1-on-1 or update of those still in the workplace) by one ordered seek,
// not a pass over every row of the campaign (read/find_latest_day).
CREATE INDEX person_row_latest IF NOT EXISTS
FOR (r:PersonRow) ON (r.campaign, r.left, r.last_date)
