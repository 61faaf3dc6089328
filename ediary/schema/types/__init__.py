"""GraphQL object types; each mirrors a domain object and is built from it."""
