MATCH (t:ApiToken)
WHERE $username IS NULL OR t.username = $username
RETURN t.id AS id, t.username AS username, t.label AS label, t.created AS created,
       t.revoked AS revoked,
       // A token made before tokens had scopes keeps both.
       coalesce(t.scopes, ['read', 'write']) AS scopes
ORDER BY t.created
