// The people of a campaign still in the workplace, counted per unit (rows as
// mapper.readmodel.unit_counts takes them): mapper structure without a snapshot.
MATCH (r:PersonRow {campaign: $campaign})
WHERE r.left = 0
RETURN r.unit AS unit, count(*) AS people, sum(r.in_roster) AS roster,
       sum(r.contacted) AS contacted,
       sum(CASE WHEN r.contacted = 1 AND r.in_roster = 0 THEN 1 ELSE 0 END) AS off_roster,
       sum(CASE WHEN r.assessment IN [1, 2] THEN 1 ELSE 0 END) AS supporters,
       sum(r.committed) AS committed,
       sum(CASE WHEN r.assessment = 1 THEN 1 ELSE 0 END) AS leaders
