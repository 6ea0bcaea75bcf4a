// A person's history and the search's conversation counts look records up by person key.
CREATE INDEX record_person IF NOT EXISTS
FOR (r:Record) ON (r.person)
