MATCH (d:Draft {author: $author})
RETURN d.id AS id, d.campaign AS campaign, d.saved AS saved, d.title AS title, d.body AS body
