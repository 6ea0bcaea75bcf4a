// Each of these people's row's place in the ladder's order, where they are committed
// (mapper.readmodel.ladder_level, less what the day decides): 0 brought a coworker and assessed
// 1, 1 brought a coworker, 2 took action whatever the day (kept a commitment, or said yes
// twice, not both missed), 3 said yes (took action too once a yes is due before the day the
// ladder is as of, not marked missed: read/list_ladder_rows asks), times 10,000,000, then
// more yeses first. Written with the row and where whether they brought a coworker changes.
UNWIND $people AS person
MATCH (r:PersonRow {person: person})
WHERE r.committed = 1
SET r.ladder_order =
    CASE WHEN coalesce(r.brought, 0) = 1 THEN (CASE WHEN r.assessment = 1 THEN 0 ELSE 1 END)
         WHEN r.kept > 0
              OR r.yes_count - coalesce(r.missed, 0)
                 + CASE WHEN coalesce(r.missed_latest, 0) = 0 THEN 0 ELSE 1 END >= 2 THEN 2
         ELSE 3 END * 10000000 + 9999999 - coalesce(r.yes_count, 0)
