// ... and those last asked by a contact attempt on those days.
CREATE INDEX person_row_tried_date IF NOT EXISTS
FOR (r:PersonRow) ON (r.campaign, r.tried_date)
