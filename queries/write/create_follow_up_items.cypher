// Rows are lists in the order of mapper.readmodel.ITEM_FIELDS. Each organizer's count of open
// items (what a page of the follow-ups reads instead of every item) goes up by theirs, in the
// same transaction; writes hold the store's lock, so no two count at once.
UNWIND $rows AS row
CREATE (:FollowUpItem {campaign: row[0], person: row[1], id: row[2], kind: row[3],
                       conversation: row[4], organizer: row[5], name: row[6], what: row[7],
                       conversation_date: row[8], due: row[9]})
WITH row[0] AS campaign, row[5] AS organizer, count(*) AS n
MERGE (t:FollowUpTotal {campaign: campaign, organizer: organizer})
ON CREATE SET t.n = n
ON MATCH SET t.n = t.n + n
