MERGE (u:AppUser {username: $username})
SET u.role = $role, u.organizer = $organizer, u.password_hash = $password_hash,
    u.active = $active, u.created = $created, u.updated = $updated, u.campaigns = $campaigns
