CREATE (:LoginFailure {who: $who, address: $address, at: $at})
