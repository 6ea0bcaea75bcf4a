// Exports list one kind of record, optionally within one campaign.
CREATE INDEX record_scope IF NOT EXISTS
FOR (r:Record) ON (r.kind, r.campaign)
