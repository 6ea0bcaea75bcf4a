// The decision makers of a campaign with these keys (those some people named), as
// snapshot/list_decision_makers lists them: what a page of people's entries names.
UNWIND $keys AS key
MATCH (n:Node {key: key})
WHERE n.campaign = $campaign AND n.kind = 'DecisionMaker'
RETURN collect([n.key, n.name, n.title, n.organization]) AS rows
