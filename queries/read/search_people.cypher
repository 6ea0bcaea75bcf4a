// Substring match on the normalized name part of the key (after `person:<campaign>:`); for a
// person known by a custom id (that part `#...`), on her name.
MATCH (n:Node {campaign: $campaign, kind: 'Person'})
WHERE substring(n.key, size($prefix)) CONTAINS $needle
   OR (substring(n.key, size($prefix)) STARTS WITH '#' AND toLower(n.name) CONTAINS $needle)
WITH n
ORDER BY n.key
LIMIT $limit
RETURN n.key AS key, n.name AS name,
       COUNT { MATCH (r:Record {person: n.key}) WHERE r.kind = 'conversation' } AS conversations
ORDER BY key
