// Reached from the campaign's nodes through the (campaign, kind) index: an edge starts at a
// node of its own campaign (node keys carry the campaign, or the record id for
// conversations and commitments), so no edge of the campaign is missed.
MATCH (a:Node)-[r]->()
WHERE a.campaign = $campaign AND a.kind IS NOT NULL AND r.campaign = $campaign
RETURN type(r) AS type, count(*) AS n
ORDER BY type
