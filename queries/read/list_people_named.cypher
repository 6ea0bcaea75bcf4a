// Whom these people named for which issue, as snapshot/list_named reads it for a campaign.
UNWIND $people AS key
MATCH (p:Node {key: key})-[e:NAMES]->(d)
WHERE e.campaign = p.campaign
RETURN [p.key, d.key, e.issue,
        substring(e.source, size('conversation:') + size(p.campaign) + 1)] AS row
