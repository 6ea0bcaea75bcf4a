// The end of a reset, after increment_version: any stored answer kept while it deleted (read
// from a campaign half gone) goes; the marks ($dropped) stay.
MATCH (m:StoreMeta {id: 'meta'})
MATCH (a:Answer)
WHERE a.question <> $dropped AND a.version < m.version
DELETE a
