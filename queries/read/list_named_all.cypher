// Every kept pair of the power map of a campaign (`mapper power --json`: each issue's every
// decision maker), one read, not one per issue: [issue, decision maker, people, anger].
MATCH (c:NamedCount)
WHERE c.campaign = $campaign AND c.issue IS NOT NULL AND c.dm IS NOT NULL
RETURN c.issue AS issue, c.dm AS dm, c.people AS people, c.anger AS anger
