// The power map's kept pairs (mapper.readmodel.by_named): each campaign's people naming each
// decision maker for each issue (issue '': every issue), found and moved by all three.
CREATE INDEX named_count IF NOT EXISTS
FOR (c:NamedCount) ON (c.campaign, c.issue, c.dm)
