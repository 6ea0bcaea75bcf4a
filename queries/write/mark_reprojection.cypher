// A campaign whose aliases changed must be projected again; a new token restarts a re-projection
// already under way. Rows are [campaign, token, spellings, nodes]: the records an alias's change
// moves (mapper.stores.base.Moved), merged with a mark already there; null: every record of the
// campaign (and a mark without them, as every one made before schema 14, stays whole).
UNWIND $rows AS row
OPTIONAL MATCH (old:Reprojection {campaign: row[0]})
WITH row, old, row[2] IS NULL OR (old IS NOT NULL AND old.spellings IS NULL) AS whole
MERGE (p:Reprojection {campaign: row[0]})
SET p.token = row[1], p.cursor = null,
    p.spellings = CASE WHEN whole THEN null ELSE coalesce(old.spellings, []) + row[2] END,
    p.nodes = CASE WHEN whole THEN null ELSE coalesce(old.nodes, []) + row[3] END
