// Every kept pair of the power map of a campaign (`mapper power --json`: each issue's every
// decision maker), one read, not one per issue, as one list: [[issue, decision maker, people,
// anger], ...] (146,959 pairs at a million people: 0.36 s so, 2.4 s as that many records).
MATCH (c:NamedCount)
WHERE c.campaign = $campaign AND c.issue IS NOT NULL AND c.dm IS NOT NULL
RETURN collect([c.issue, c.dm, c.people, c.anger]) AS pairs
