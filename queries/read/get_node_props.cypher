// Graph nodes by key, with all their properties (the caller drops key, kind and campaign).
UNWIND $keys AS key
MATCH (n:Node {key: key})
RETURN n.key AS key, properties(n) AS props
