// Look-alikes: stored people with the same email, by its digest (never the address).
CREATE INDEX record_email_key IF NOT EXISTS
FOR (r:Record) ON (r.k_email)
