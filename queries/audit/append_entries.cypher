// Several entries in one transaction: the counter moves by their number under its write lock
// (taken by the SET), and they take the numbers just below its new value, in order.
MERGE (c:AuditCounter {name: 'audit'})
SET c.n = coalesce(c.n, 0) + size($rows)
WITH c.n - size($rows) AS base
UNWIND range(0, size($rows) - 1) AS i
WITH base + i + 1 AS seq, $rows[i] AS row
CREATE (:AuditEntry {seq: seq, at: row.at, actor: row.actor, action: row.action,
                     target: row.target, detail: row.detail})
