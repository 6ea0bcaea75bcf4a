// The store's indexes (a constraint's own index has the constraint's name) and whether each is
// ready: a store that has them all online is opened without a schema command.
SHOW INDEXES YIELD name, state
