// A campaign whose read model alone must be built again (a migration of the read model); a new
// token restarts a rebuild already under way. Rows are [campaign, token].
UNWIND $rows AS row
MERGE (r:ReadModelRebuild {campaign: row[0]})
SET r.token = row[1], r.cursor = null
