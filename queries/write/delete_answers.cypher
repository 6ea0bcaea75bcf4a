// Stored answers of a campaign ($campaign null: of every campaign); not the mark a forget left
// ($dropped), which still refuses answers read before it.
MATCH (a:Answer)
WHERE ($campaign IS NULL OR a.campaign = $campaign) AND a.question <> $dropped
DELETE a
