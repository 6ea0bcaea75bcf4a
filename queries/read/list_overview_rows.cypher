// Every person's row of a campaign, as the overview and the ladder's count read them (in the
// order of mapper.readmodel.OVERVIEW_FIELDS).
MATCH (r:PersonRow {campaign: $campaign})
RETURN collect([r.person, r.in_roster, r.contacted, r.left, r.committed, r.assessment,
                r.conversations, r.asks, r.kept, r.angers, r.last_date, r.yes_count, r.yes_due,
                r.missed_latest, r.referred]) AS rows
