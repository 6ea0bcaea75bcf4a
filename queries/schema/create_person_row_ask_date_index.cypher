// A new day ends (or begins) the wait after an ask: a kept ask ranking of another day re-scores
// the people last asked in a 1-on-1 on the days that move (read/list_ask_rows_asked_between).
CREATE INDEX person_row_ask_date IF NOT EXISTS
FOR (r:PersonRow) ON (r.campaign, r.ask_date)
