// Only the SHA-256 of the token is kept; the token itself was shown once.
CREATE (:ApiToken {id: $id, username: $username, label: $label, created: $created,
                   revoked: null, token_hash: $token_hash, scopes: $scopes})
