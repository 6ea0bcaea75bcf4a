// Every graph node is found by its store-wide key; the constraint is also the MERGE index.
CREATE CONSTRAINT node_key IF NOT EXISTS
FOR (n:Node) REQUIRE n.key IS UNIQUE
