// One lease node per name: two processes taking the refresher's lease at once find one node.
CREATE CONSTRAINT answer_lease_name IF NOT EXISTS
FOR (l:AnswerLease) REQUIRE l.name IS UNIQUE
