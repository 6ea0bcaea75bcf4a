// Entries are numbered in the order they were appended.
CREATE CONSTRAINT audit_entry_seq IF NOT EXISTS
FOR (e:AuditEntry) REQUIRE e.seq IS UNIQUE
