// Rows are lists in the order of mapper.readmodel.PERSON_FIELDS. Each is stamped with the store
// version the write started from (read/list_ask_rows_since: what a page of the ask queue
// re-scores).
MATCH (m:StoreMeta {id: 'meta'})
WITH m.version AS stamp
UNWIND $rows AS row
CREATE (:PersonRow {campaign: row[0], person: row[1], name: row[2], unit: row[3],
                    in_roster: row[4], contacted: row[5], left: row[6], committed: row[7],
                    assessment: row[8], last_date: row[9], own_points: row[10], ready: row[11],
                    ask_date: row[12], ask_response: row[13], tried_date: row[14],
                    angers: row[15], yes_asks: row[16], organizer: row[17],
                    trusted: row[18], conversations: row[19], asks: row[20], yes_count: row[21],
                    kept: row[22], missed: row[23], yes_due: row[24], missed_latest: row[25],
                    referred: row[26], days: row[27], brought: row[28], named: row[29],
                    stamp: stamp})
