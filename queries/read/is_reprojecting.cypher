// Whether a campaign's re-projection (and so its read model's rebuild) is under way.
RETURN EXISTS { MATCH (:Reprojection {campaign: $campaign}) } AS pending
