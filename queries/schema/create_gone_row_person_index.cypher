// A write stamps each person whose row it removed outright (write/stamp_gone_rows), one node
// a person.
CREATE INDEX gone_row_person IF NOT EXISTS
FOR (g:GoneRow) ON (g.person)
