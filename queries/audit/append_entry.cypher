// The counter's write lock orders concurrent appends: every entry gets the next number.
MERGE (c:AuditCounter {name: 'audit'})
SET c.n = coalesce(c.n, 0) + 1
CREATE (e:AuditEntry {seq: c.n, at: $at, actor: $actor, action: $action, target: $target,
                      detail: $detail})
RETURN e.seq AS seq
