// A commitment's key is `commitment:<conversation id>`.
MATCH (n:Node {campaign: $campaign, kind: 'Commitment'})
RETURN collect([substring(n.key, size('commitment:')), properties(n)]) AS rows
