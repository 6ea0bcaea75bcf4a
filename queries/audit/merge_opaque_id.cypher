MERGE (o:OpaqueId {key: $key})
ON CREATE SET o.opaque = $opaque
RETURN o.opaque AS opaque
