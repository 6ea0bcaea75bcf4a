CREATE CONSTRAINT api_token_hash IF NOT EXISTS
FOR (t:ApiToken) REQUIRE t.token_hash IS UNIQUE
