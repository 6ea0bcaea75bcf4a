// An issue's first decision makers by the people naming them, then their anger (issue '':
// over every issue), read in the order of the index (schema/create_named_count_rank_index):
// the ORDER BY names the index's every property, so the server stops at $limit entries where
// it would otherwise read the issue's every pair and sort them.
MATCH (c:NamedCount)
WHERE c.campaign = $campaign AND c.issue = $issue AND c.people > 0 AND c.anger >= 0
RETURN c.dm AS dm, c.people AS people, c.anger AS anger
ORDER BY c.campaign DESC, c.issue DESC, c.people DESC, c.anger DESC
LIMIT $limit
