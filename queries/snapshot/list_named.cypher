// `source` is the conversation's key, `conversation:<campaign>:<id>`: the snapshot names a
// conversation by its own id.
MATCH (p:Node {campaign: $campaign, kind: 'Person'})-[e:NAMES]->(d)
WHERE e.campaign = $campaign
RETURN [p.key, d.key, e.issue,
        substring(e.source, size('conversation:') + size($campaign) + 1)] AS row
