MATCH (s:Session)
WHERE s.created < $created_before OR s.last_seen < $seen_before
DELETE s
