// A page of the ask queue reads the people whose rows were removed outright since its kept
// ranking (read/list_gone_rows_since), as it reads the rows written since.
CREATE INDEX gone_row_stamp IF NOT EXISTS
FOR (g:GoneRow) ON (g.campaign, g.stamp)
