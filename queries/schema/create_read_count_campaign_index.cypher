// A campaign's counts of its people's rows, read together (the overview, mapper structure).
CREATE INDEX read_count_campaign IF NOT EXISTS
FOR (c:ReadCount) ON (c.campaign)
