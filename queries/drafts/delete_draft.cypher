OPTIONAL MATCH (d:Draft {author: $author, id: $id})
WITH d, count(d) AS deleted
DELETE d
RETURN deleted
