// The roster rows and 1-on-1s a few new records could name (mapper.identity.Identities.prefetch):
// by normalized name, custom-id key, or email or phone digest. The caller puts them in order.
CALL (){
  MATCH (r:Record) WHERE r.campaign = $campaign AND r.k_name IN $names RETURN r
  UNION
  MATCH (r:Record) WHERE r.k_id IN $ids RETURN r
  UNION
  MATCH (r:Record) WHERE r.k_email IN $contacts RETURN r
  UNION
  MATCH (r:Record) WHERE r.k_phone IN $contacts RETURN r
}
WITH r WHERE r.campaign = $campaign AND r.kind IN ['roster', 'conversation']
RETURN r.id AS id, r.kind AS kind, r.campaign AS campaign, r.hash AS hash, r.body AS body,
       r.date AS date
