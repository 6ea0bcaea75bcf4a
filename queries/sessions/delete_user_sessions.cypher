MATCH (s:Session {username: $username})
DELETE s
