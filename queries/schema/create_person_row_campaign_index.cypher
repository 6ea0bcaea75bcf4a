// The per-unit counts of a campaign (mapper structure) read its rows alone.
CREATE INDEX person_row_campaign IF NOT EXISTS
FOR (r:PersonRow) ON (r.campaign)
