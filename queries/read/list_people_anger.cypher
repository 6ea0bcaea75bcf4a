// These people's anger, as snapshot/list_anger reads it for a whole campaign.
UNWIND $people AS key
MATCH (p:Node {key: key})-[e:ANGRY_ABOUT]->(i)
WHERE e.campaign = p.campaign
RETURN [p.key, i.key, e.anger, e.witnessed_harm,
        substring(e.source, size('conversation:') + size(p.campaign) + 1), e.date] AS row
