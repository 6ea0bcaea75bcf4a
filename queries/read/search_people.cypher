// Substring match on the normalized name part of the key (after `person:<campaign>:`); for a
// person known by a custom id (that part `#...`), on her name: each word of the normalized
// needle in it (the name is not normalized: punctuation and spacing between the words).
MATCH (n:Node {campaign: $campaign, kind: 'Person'})
WHERE substring(n.key, size($prefix)) CONTAINS $needle
   OR (substring(n.key, size($prefix)) STARTS WITH '#'
       AND all(w IN $words WHERE toLower(n.name) CONTAINS w))
WITH n
ORDER BY n.key
LIMIT $limit
RETURN n.key AS key, n.name AS name,
       COUNT { MATCH (r:Record {person: n.key}) WHERE r.kind = 'conversation' } AS conversations
ORDER BY key
