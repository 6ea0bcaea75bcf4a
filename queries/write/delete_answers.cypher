// Stored answers of a campaign ($campaign null: of every campaign).
MATCH (a:Answer)
WHERE $campaign IS NULL OR a.campaign = $campaign
DELETE a
