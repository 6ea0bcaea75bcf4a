// The rows the ladder's first $first entries can come from (mapper.readmodel.ladder_candidates),
// of the committed people still in the workplace, as of $day (ISO, or null), and how many
// such people there are: the row of everyone who referred someone, then the first $first of
// the others by their own columns (the second rung first: kept a commitment, said yes twice,
// or a yes due before $day not marked missed; then more yeses, name, key). Stored strings sort
// by code point here, as the ladder does (strings given as parameters would sort by UTF-16
// units: tests/test_readmodel_ladder.py checks the order with names beyond U+FFFF).
MATCH (r:PersonRow {campaign: $campaign})
WHERE r.left = 0 AND r.committed = 1
WITH r, r.referred IS NOT NULL AS referring
ORDER BY referring DESC,
         CASE WHEN r.kept > 0 OR r.yes_count >= 2
                   OR (r.yes_due IS NOT NULL AND r.yes_due < $day
                       AND coalesce(r.missed_latest, 0) = 0) THEN 0 ELSE 1 END,
         r.yes_count DESC, r.name, r.person
WITH collect(r) AS rs, sum(CASE WHEN referring THEN 1 ELSE 0 END) AS referrers
RETURN size(rs) AS total,
       [r IN rs[0..referrers + $first] |
        [r.kept, r.yes_count, r.yes_due, r.missed_latest, r.referred, r.person, r.name, r.unit,
         r.assessment, r.missed, r.yes_asks]] AS rows
