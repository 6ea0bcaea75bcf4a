// A campaign's counts of each unit's people counted from scratch (mapper.readmodel.by_unit of
// mapper.readmodel.counted), each row [campaign, unit, [n of each UnitCounts field]], written
// in the transaction that deleted its counts (write/delete_read_counts).
UNWIND $rows AS r
CREATE (:ReadCount {campaign: r[0], kind: 'unit', key: r[1], sub: '', counts: r[2]})
