// What took action counts and the ladder lists (mapper.readmodel.took_action, ladder): the
// rows of the committed people still in the workplace (mapper.readmodel.COMMITTED_FIELDS: took
// action reads the first five), from the committed rows alone
// (schema/create_person_row_committed_index), not every row of the campaign.
MATCH (r:PersonRow)
USING INDEX r:PersonRow(campaign, committed)
WHERE r.campaign = $campaign AND r.committed = 1 AND r.left = 0
RETURN collect([r.kept, r.yes_count, r.yes_due, r.missed_latest, coalesce(r.brought, 0),
                r.person, r.name, r.unit, r.assessment, r.missed, r.yes_asks]) AS rows
