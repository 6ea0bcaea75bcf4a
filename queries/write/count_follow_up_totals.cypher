// Schema 6: every campaign's open follow-up items counted per organizer from the items held
// (the counts write/create_follow_up_items and write/delete_follow_up_items then keep).
MATCH (t:FollowUpTotal)
DELETE t
WITH count(*) AS gone
MATCH (i:FollowUpItem)
WITH i.campaign AS campaign, i.organizer AS organizer, count(*) AS n
CREATE (:FollowUpTotal {campaign: campaign, organizer: organizer, n: n})
