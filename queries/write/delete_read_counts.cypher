// A campaign's counts of its people's rows, before a rebuild's end writes them counted afresh.
MATCH (c:ReadCount {campaign: $campaign})
DELETE c
