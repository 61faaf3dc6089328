"""Regression tests for the trust boundary: one module per finding of the security review
(tenancy of imports, sessions on open connections, work done before authentication, visibility
rules, throttles, odd input). Each runs in both backend passes, like the rest of the suite;
`docs/security.md` describes the threat model they guard."""
