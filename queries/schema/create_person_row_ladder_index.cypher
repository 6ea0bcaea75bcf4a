// The ladder's first entries read in its order (read/list_ladder_rows): the committed rows still
// in the workplace by their place (write/set_person_rows_ladder_order), then name, key. The
// server reads the entries of a page, not the 131,904 committed rows of a million people
// sorted (0.84 s).
CREATE INDEX person_row_ladder IF NOT EXISTS
FOR (r:PersonRow) ON (r.campaign, r.committed, r.left, r.ladder_order, r.name, r.person)
