// Whether a campaign's read model must not be used: its re-projection, or a rebuild of its read
// model alone, is under way (the one check every reader of the read model makes).
RETURN EXISTS { MATCH (:Reprojection {campaign: $campaign}) }
       OR EXISTS { MATCH (:ReadModelRebuild {campaign: $campaign}) } AS pending
