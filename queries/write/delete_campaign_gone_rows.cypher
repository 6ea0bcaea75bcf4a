// Every stamp of a row removed outright in these campaigns, in the transaction of a delete or
// a forget that drops their stored answers (delete_answers_of_records): no kept ranking is left
// to need them, and each holds a person's key (her name, as it was once spelled). (The stamp
// named: so the (campaign, stamp) index is sought, not every GoneRow read.)
MATCH (g:GoneRow)
WHERE g.campaign IN $campaigns AND g.stamp IS NOT NULL
DELETE g
