// `source` is the conversation's key, `conversation:<campaign>:<id>`: the snapshot names a
// conversation by its own id.
MATCH (p:Node {campaign: $campaign, kind: 'Person'})-[e:ANGRY_ABOUT]->(i)
WHERE e.campaign = $campaign
RETURN [p.key, i.key, e.anger, e.witnessed_harm,
        substring(e.source, size('conversation:') + size($campaign) + 1), e.date] AS row
