// A write replaces the rows of where each person stands (mapper.readmodel.PersonRow) of the
// people it reaches.
CREATE INDEX person_row_person IF NOT EXISTS
FOR (r:PersonRow) ON (r.person)
