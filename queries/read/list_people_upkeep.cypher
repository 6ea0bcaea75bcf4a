// Everything the read model's upkeep reads of these people, in one statement, one row each
// (one round trip and one key lookup per person, where seven queries read it before):
// - props: the person node's properties (null when it is no node);
// - sources: the 1-on-1s with them and the updates about them (read/list_people_sources),
//   each [campaign, kind, id, node props, commitment props, [[organizer key, props], ...]]:
//   the props of the nodes mapper.readmodel.node_keys names (a 1-on-1's commitment is
//   'commitment:' + what follows 'conversation:' in its id) and the organizers who held it
//   (the store still looks up mapper.readmodel.organizer_keys; these spare that read);
// - units, anger, named: as read/list_people_units, list_people_anger and list_people_named;
//   referred: whom they referred in their own 1-on-1s;
// - stored: their rows of where they stand as they are before the write, whole (the store
//   rewrites a row only where it changes, and compares their standing);
// - ties: [neighbour key, trusted, referred, spoken] of everyone tied to them or in a
//   referral with them, either way round: trusted when that neighbour's row, as it is before
//   the write, is committed and still in the workplace (read/list_trusted_committed), spoken
//   when it is spoken with and still there; referred 1 where they referred the neighbour, -1
//   where the neighbour referred them, else 0.
UNWIND $people AS key
OPTIONAL MATCH (p:Node {key: key})
RETURN key, properties(p) AS props,
  COLLECT {
    MATCH (r:Record {person: key})
    WHERE r.kind IN ['conversation', 'update']
    OPTIONAL MATCH (n:Node {key: r.id})
    OPTIONAL MATCH (c:Node {key: CASE r.kind WHEN 'conversation'
                                 THEN 'commitment:' + substring(r.id, size('conversation:')) END})
    RETURN [r.campaign, r.kind, r.id, properties(n), properties(c),
            CASE WHEN n IS NULL THEN [] ELSE [(o)-[:HELD]->(n) | [o.key, properties(o)]] END]
  } AS sources,
  CASE WHEN p IS NULL THEN [] ELSE
    [(p)-[e:IN_UNIT]->(u) WHERE e.campaign = p.campaign |
      [p.key, u.name, e.shift, e.role, coalesce(e.roster, false), coalesce(e.referral, false),
       e.date]] +
    [(p)-[e:IN_CAMPAIGN]->() WHERE e.campaign = p.campaign |
      [p.key, null, e.shift, e.role, coalesce(e.roster, false), false, e.date]] END AS units,
  CASE WHEN p IS NULL THEN [] ELSE
    [(p)-[e:ANGRY_ABOUT]->(i) WHERE e.campaign = p.campaign |
      [p.key, i.key, e.anger, e.witnessed_harm,
       substring(e.source, size('conversation:') + size(p.campaign) + 1), e.date]] END AS anger,
  CASE WHEN p IS NULL THEN [] ELSE
    [(p)-[e:NAMES]->(d) WHERE e.campaign = p.campaign |
      [p.key, d.key, e.issue,
       substring(e.source, size('conversation:') + size(p.campaign) + 1)]] END AS named,
  CASE WHEN p IS NULL THEN [] ELSE
    [(p)-[e:REFERRED]->(o) WHERE e.campaign = p.campaign | o.key] END AS referred,
  COLLECT { MATCH (r:PersonRow {person: key}) RETURN properties(r) } AS stored,
  CASE WHEN p IS NULL THEN [] ELSE COLLECT {
    MATCH (p)-[e:TIED_TO|REFERRED]-(m)
    WHERE e.campaign = p.campaign
    OPTIONAL MATCH (r:PersonRow {person: m.key})
    RETURN [m.key, coalesce(r.committed = 1 AND r.left = 0, false),
            CASE WHEN type(e) = 'TIED_TO' THEN 0 WHEN startNode(e) = p THEN 1 ELSE -1 END,
            coalesce(r.contacted = 1 AND r.left = 0, false)]
  } END AS ties
