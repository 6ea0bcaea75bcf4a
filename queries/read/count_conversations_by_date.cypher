// A campaign's 1-on-1s per date (the overview's conversations per week).
MATCH (r:Record {campaign: $campaign, kind: 'conversation'})
RETURN r.date AS date, count(*) AS conversations
