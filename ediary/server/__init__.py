"""Running the server in production: request IDs and logs, metrics, health and readiness."""
