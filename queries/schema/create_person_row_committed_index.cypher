// The ladder and took action read the rows of a campaign's committed people (131,904 of a
// million), not every row of the campaign.
CREATE INDEX person_row_committed IF NOT EXISTS
FOR (r:PersonRow) ON (r.campaign, r.committed)
