MATCH (f:LoginFailure)
WHERE f.at < $before
DELETE f
