// Ending every session of one user (deactivation, a new password) finds them by username.
CREATE INDEX session_username IF NOT EXISTS
FOR (s:Session) ON (s.username)
