MATCH (t:ApiToken {token_hash: $token_hash})
RETURN t.id AS id, t.username AS username, t.label AS label, t.created AS created,
       t.revoked AS revoked
