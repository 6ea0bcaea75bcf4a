// An issue's decision makers, most named first (mapper power, the Power map page): read in the
// index's order, the first few, not the issue's every pair.
CREATE INDEX named_count_rank IF NOT EXISTS
FOR (c:NamedCount) ON (c.campaign, c.issue, c.people, c.anger)
