// A page of the ask queue reads the rows written since its kept ranking (by their stamp).
CREATE INDEX person_row_stamp IF NOT EXISTS
FOR (r:PersonRow) ON (r.campaign, r.stamp)
