// The rows (mapper.readmodel.COMMITTED_FIELDS) of the first $first committed people still in
// the workplace whose place in the ladder's order (write/set_person_rows_ladder_order) is from
// $low up to $high, in that order, then name, key; with $dated true, only those whose yes is
// due before $day (ISO, or null) and not marked missed (on the second rung as of $day), with
// $dated false the others, with null all. Read in the order of their index
// (schema/create_person_row_ladder_index: ordered by every property of it, the server reads
// the entries it returns and those it passes over, no sort); mapper.readmodel.ladder_candidates
// puts those of each part in the ladder's order.
MATCH (r:PersonRow)
USING INDEX r:PersonRow(campaign, committed, left, ladder_order, name, person)
WHERE r.campaign = $campaign AND r.committed = 1 AND r.left = 0
  AND r.ladder_order >= $low AND r.ladder_order < $high
  AND r.name IS NOT NULL AND r.person IS NOT NULL
  AND ($dated IS NULL
       OR coalesce(r.yes_due < $day AND coalesce(r.missed_latest, 0) = 0, false) = $dated)
WITH r
ORDER BY r.campaign, r.committed, r.left, r.ladder_order, r.name, r.person
LIMIT $first
RETURN collect([r.kept, r.yes_count, r.yes_due, r.missed_latest, coalesce(r.brought, 0), r.person,
                r.name, r.unit, r.assessment, r.missed, r.yes_asks]) AS rows
