// A campaign's kept pairs counted from scratch (a rebuild's end), each row [campaign, issue,
// decision maker, people, anger], written in the transaction that deleted its pairs
// (write/delete_campaign_named_counts_all): CREATE, not MERGE (see write/create_read_counts).
UNWIND $rows AS r
CREATE (:NamedCount {campaign: r[0], issue: r[1], dm: r[2], people: r[3], anger: r[4]})
