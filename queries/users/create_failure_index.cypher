// The lockout counts one (username, address)'s recent failures.
CREATE INDEX login_failure_who IF NOT EXISTS
FOR (f:LoginFailure) ON (f.who, f.address)
