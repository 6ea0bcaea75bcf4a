MATCH (f:LoginFailure {who: $who, address: $address})
WHERE f.at >= $since
RETURN f.at AS at
