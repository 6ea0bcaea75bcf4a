// A commitment's key is `commitment:<conversation id>`.
MATCH (n:Node {campaign: $campaign, kind: 'Commitment'})
RETURN substring(n.key, size('commitment:')) AS conversation, properties(n) AS props
