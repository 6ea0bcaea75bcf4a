// Whether a campaign's read model must not be used: a re-projection of every record (a
// migration's; an alias's moves a few records, each batch keeping the read model as it moves
// the graph), or a rebuild of its read model alone, is under way (the one check every reader of
// the read model makes).
RETURN EXISTS { MATCH (p:Reprojection {campaign: $campaign}) WHERE p.spellings IS NULL }
       OR EXISTS { MATCH (:ReadModelRebuild {campaign: $campaign}) } AS pending
