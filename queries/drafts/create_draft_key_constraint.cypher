// One draft per author and id: a draft saved again replaces itself, never another's.
CREATE CONSTRAINT draft_author_id IF NOT EXISTS
FOR (d:Draft) REQUIRE (d.author, d.id) IS UNIQUE
