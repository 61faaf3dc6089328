"""HTTP machinery around the GraphQL view that does not depend on its internals."""
