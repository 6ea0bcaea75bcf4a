// Two stores connecting at once must not each create a version node.
CREATE CONSTRAINT store_meta_id IF NOT EXISTS
FOR (m:StoreMeta) REQUIRE m.id IS UNIQUE
