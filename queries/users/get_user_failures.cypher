// The per-username ceiling counts one (hashed) username's recent failures from any address.
MATCH (f:LoginFailure {who: $who})
WHERE f.at >= $since
RETURN f.at AS at
