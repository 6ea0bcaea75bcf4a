// A campaign's counts of its people's rows (the overview's and mapper structure's), found and
// moved by both: one node per campaign, kind, key and sub.
CREATE INDEX read_count IF NOT EXISTS
FOR (c:ReadCount) ON (c.campaign, c.kind, c.key, c.sub)
