// An issue's first decision makers by the people naming them, then their anger (issue '':
// over every issue), read in the order of the index (schema/create_named_count_rank_index).
MATCH (c:NamedCount {campaign: $campaign, issue: $issue})
WHERE c.people > 0 AND c.anger >= 0
RETURN c.dm AS dm, c.people AS people, c.anger AS anger
ORDER BY c.people DESC, c.anger DESC
LIMIT $limit
