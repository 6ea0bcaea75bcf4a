// Every row of where a campaign's people stand, whole (in the order of
// mapper.readmodel.PERSON_FIELDS): what a rebuild's end counts, streamed.
MATCH (r:PersonRow {campaign: $campaign})
RETURN r.campaign, r.person, r.name, r.unit, r.in_roster, r.contacted, r.left, r.committed,
       r.assessment, r.last_date, r.own_points, r.ready, r.ask_date, r.ask_response,
       r.tried_date, r.angers, r.yes_asks, r.organizer, r.trusted, r.conversations, r.asks,
       r.yes_count, r.kept, r.missed, r.yes_due, r.missed_latest, r.referred, r.days,
       coalesce(r.brought, 0), r.named
