// Rows are [id, k_name, k_id, k_email, k_phone]; a null key is simply not stored.
UNWIND $rows AS row
MATCH (r:Record {id: row[0]})
SET r.k_name = row[1], r.k_id = row[2], r.k_email = row[3], r.k_phone = row[4]
