// The rows of the ladder's first $first entries (mapper.readmodel.ladder_candidates), of the
// committed people still in the workplace, as of $day (ISO, or null), and how many such
// people there are. Each is on its rung by its own columns (mapper.readmodel.ladder_level):
// brought a coworker and assessed 1, brought a coworker, took action (kept a commitment,
// said yes twice, not both missed, or a yes due before $day not marked missed), said yes;
// then more yeses, name, key. Stored strings sort by code point here, as the ladder does (strings given as
// parameters would sort by UTF-16 units: tests/test_readmodel_ladder.py checks the order with
// names beyond U+FFFF). The committed rows alone are read (schema/create_person_row_committed_index),
// and only the first $first kept in the sort.
MATCH (r:PersonRow)
WHERE r.campaign = $campaign AND r.committed = 1 AND r.left = 0
WITH r, CASE WHEN r.brought = 1 THEN (CASE WHEN r.assessment = 1 THEN 4 ELSE 3 END)
             WHEN r.kept > 0
                  OR r.yes_count - coalesce(r.missed, 0)
                     + CASE WHEN coalesce(r.missed_latest, 0) = 0 THEN 0 ELSE 1 END >= 2
                  OR (r.yes_due IS NOT NULL AND r.yes_due < $day
                      AND coalesce(r.missed_latest, 0) = 0) THEN 2
             ELSE 1 END AS level
ORDER BY level DESC, r.yes_count DESC, r.name, r.person
LIMIT $first
WITH collect([r.kept, r.yes_count, r.yes_due, r.missed_latest, coalesce(r.brought, 0), r.person,
              r.name, r.unit, r.assessment, r.missed, r.yes_asks]) AS rows
RETURN COUNT { MATCH (c:PersonRow)
               WHERE c.campaign = $campaign AND c.committed = 1 AND c.left = 0 } AS total,
       rows
