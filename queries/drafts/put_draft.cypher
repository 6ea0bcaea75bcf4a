// A draft is joined to nothing: it is not part of the campaign's graph.
MERGE (d:Draft {author: $author, id: $id})
SET d.campaign = $campaign, d.saved = $saved, d.title = $title, d.body = $body
