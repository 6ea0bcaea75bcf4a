MATCH (u:AppUser)
RETURN u.username AS username, u.role AS role, u.organizer AS organizer,
       u.password_hash AS password_hash, u.active AS active, u.created AS created,
       u.updated AS updated, coalesce(u.campaigns, []) AS campaigns
ORDER BY u.username
