// Substring match on the normalized name part of the key (after `person:<campaign>:`); for a
// person known by a custom id (that part `#...`), on her name: each word of the normalized
// needle in it (the name is not normalized: punctuation and spacing between the words).
// The campaign's people are read in key order from the key's index (their keys start with
// the prefix), so the first $limit hits end the read: not every person of a million.
MATCH (n:Node)
WHERE n.key STARTS WITH $prefix AND n.kind = 'Person' AND n.campaign = $campaign
  AND (substring(n.key, size($prefix)) CONTAINS $needle
       OR (substring(n.key, size($prefix)) STARTS WITH '#'
           AND all(w IN $words WHERE toLower(n.name) CONTAINS w)))
WITH n
ORDER BY n.key
LIMIT $limit
RETURN n.key AS key, n.name AS name,
       COUNT { MATCH (r:Record {person: n.key}) WHERE r.kind = 'conversation' } AS conversations
ORDER BY key
