// Every author's drafts of one campaign: only for forgetting a person (services.forget_person).
MATCH (d:Draft {campaign: $campaign})
RETURN d.author AS author, d.id AS id, d.body AS body
