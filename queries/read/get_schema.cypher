// A store written before schema numbers were kept has a meta node without one: schema 1.
MATCH (m:StoreMeta {id: 'meta'})
RETURN coalesce(m.schema, 1) AS schema
