// A commitment's key is `commitment:<campaign>:<conversation id>`; the snapshot names it by
// the conversation's own id.
MATCH (n:Node {campaign: $campaign, kind: 'Commitment'})
RETURN [substring(n.key, size('commitment:') + size($campaign) + 1), properties(n)] AS row
