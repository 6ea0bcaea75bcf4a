MATCH (t:ApiToken)
WHERE $username IS NULL OR t.username = $username
RETURN t.id AS id, t.username AS username, t.label AS label, t.created AS created,
       t.revoked AS revoked
ORDER BY t.created
