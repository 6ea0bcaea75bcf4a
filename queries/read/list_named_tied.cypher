// An issue's decision makers named by more people than $people, or by as many with anger of
// $anger or more: those its first ones are among once names settle the ties.
MATCH (c:NamedCount {campaign: $campaign, issue: $issue})
WHERE c.people >= $people AND c.anger >= 0
  AND (c.people > $people OR c.anger >= $anger)
RETURN c.dm AS dm, c.people AS people, c.anger AS anger
ORDER BY c.people DESC, c.anger DESC
