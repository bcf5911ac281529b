"""One module per GraphQL type; each type is built from a domain object by its `from_domain` classmethod."""
