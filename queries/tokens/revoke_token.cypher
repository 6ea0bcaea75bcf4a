MATCH (t:ApiToken {id: $id})
WHERE t.revoked IS NULL
SET t.revoked = $at
RETURN t.id AS id
