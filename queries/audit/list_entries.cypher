// Newest first, so a limit keeps the newest; the caller turns them oldest first.
MATCH (e:AuditEntry)
WHERE ($since IS NULL OR e.at >= $since)
  AND ($actor IS NULL OR e.actor = $actor)
  AND ($action IS NULL OR e.action = $action)
RETURN e.seq AS seq, e.at AS at, e.actor AS actor, e.action AS action, e.target AS target,
       e.detail AS detail
ORDER BY e.seq DESC
LIMIT coalesce($limit, 1000000000)
