MATCH (t:ApiToken {token_hash: $token_hash})
RETURN t.id AS id, t.username AS username, t.label AS label, t.created AS created,
       t.revoked AS revoked,
       // A token made before tokens had scopes keeps both.
       coalesce(t.scopes, ['read', 'write']) AS scopes
