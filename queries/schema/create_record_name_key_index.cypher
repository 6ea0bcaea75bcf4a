// Matching a new record's person (mapper.identity): the stored roster rows and 1-on-1s of
// her normalized name. A record without the key (a tie, an update) is not in the index.
CREATE INDEX record_name_key IF NOT EXISTS
FOR (r:Record) ON (r.campaign, r.k_name)
