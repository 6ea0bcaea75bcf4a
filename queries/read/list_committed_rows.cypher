// What took action counts and the ladder lists (mapper.readmodel.took_action, ladder): the
// campaign's latest 1-on-1 or update among the people still in the workplace, and the rows of
// those of them committed (mapper.readmodel.COMMITTED_FIELDS: took action reads the first five).
MATCH (r:PersonRow {campaign: $campaign})
WHERE r.left = 0
RETURN max(r.last_date) AS latest,
       collect(CASE WHEN r.committed = 1
                    THEN [r.kept, r.yes_count, r.yes_due, r.missed_latest,
                          coalesce(r.brought, 0), r.person, r.name, r.unit, r.assessment,
                          r.missed, r.yes_asks] END) AS rows
