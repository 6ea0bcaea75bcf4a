MATCH (o:OpaqueId {opaque: $opaque})
RETURN o.key AS key
