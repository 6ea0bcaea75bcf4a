// One stored answer per campaign, question and options (mapper.analytics.stored): a cache of
// whole-graph answers, created on open and never part of the schema number.
CREATE CONSTRAINT answer_key IF NOT EXISTS
FOR (a:Answer) REQUIRE (a.campaign, a.question, a.options) IS UNIQUE
