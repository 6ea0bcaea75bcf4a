MATCH (o:OpaqueId {key: $key})
DELETE o
