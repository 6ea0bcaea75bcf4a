// Rows are lists in the order of mapper.readmodel.ITEM_FIELDS.
UNWIND $rows AS row
CREATE (:FollowUpItem {campaign: row[0], person: row[1], id: row[2], kind: row[3],
                       conversation: row[4], organizer: row[5], name: row[6], what: row[7],
                       conversation_date: row[8], due: row[9]})
