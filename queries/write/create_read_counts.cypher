// A campaign's counts of its people's rows counted from scratch (mapper.readmodel.counted;
// a unit's, in one node: write/create_unit_counts), each row [campaign, kind, key, sub, n],
// written in the transaction that deleted its counts (write/delete_read_counts). CREATE, not
// MERGE: MERGE after a DELETE of the same 148,658 counts (1M people) in one transaction had not
// ended after 10 minutes at a core; CREATE took 12 s.
UNWIND $rows AS r
CREATE (:ReadCount {campaign: r[0], kind: r[1], key: r[2], sub: r[3], n: r[4]})
