// Look-alikes: stored people with the same phone, by its digest (never the number).
CREATE INDEX record_phone_key IF NOT EXISTS
FOR (r:Record) ON (r.k_phone)
