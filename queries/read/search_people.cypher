// Substring match on the normalized name part of the key (after `person:<campaign>:`).
MATCH (n:Node {campaign: $campaign, kind: 'Person'})
WHERE substring(n.key, size($prefix)) CONTAINS $needle
WITH n
ORDER BY n.key
LIMIT $limit
RETURN n.key AS key, n.name AS name,
       COUNT { MATCH (r:Record {person: n.key}) WHERE r.kind = 'conversation' } AS conversations
ORDER BY key
