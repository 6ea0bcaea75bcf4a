// How many of these issues each of these decision makers is named for (the power map's
// ranking over every issue says so beside each).
UNWIND $dms AS dm
UNWIND $issues AS issue
MATCH (c:NamedCount {campaign: $campaign, issue: issue, dm: dm})
RETURN dm, count(c) AS issues
