// Drafts older than the maximum age (mapper.drafts.MAX_AGE_DAYS) are forgotten: they hold
// stories and phone numbers that no one saved.
MATCH (d:Draft) WHERE d.saved < $before
WITH collect(d) AS old
FOREACH (x IN old | DELETE x)
RETURN size(old) AS deleted
