// A campaign's counts of its people's rows, before a migration counts them from the rows.
MATCH (c:ReadCount {campaign: $campaign})
DELETE c
