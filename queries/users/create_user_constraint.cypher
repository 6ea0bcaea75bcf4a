// One user per username, whichever process adds it.
CREATE CONSTRAINT app_user_username IF NOT EXISTS
FOR (u:AppUser) REQUIRE u.username IS UNIQUE
