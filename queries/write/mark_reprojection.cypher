// A campaign whose aliases changed must be projected again; a new token restarts a re-projection
// already under way. Rows are [campaign, token].
UNWIND $rows AS row
MERGE (p:Reprojection {campaign: row[0]})
SET p.token = row[1], p.cursor = null
