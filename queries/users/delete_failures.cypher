MATCH (f:LoginFailure {who: $who, address: $address})
DELETE f
