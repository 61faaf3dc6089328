"""Dnevnik-style access codes: the class teacher hands out one-time codes, a parent or a
student redeems one with a full name, an e-mail login and a password, confirms the e-mail by
a link, and the account is linked to the child. Also password change, security parameters
(e-mail, phone) and recovery by e-mail.

The entry point is `ediary_dnevnik.plugin`; the modules below it are:
`models` (own Tortoise app "dnevnik"), `codes` (the code format), `flow` (transactions, limits
and logging every flow shares), `issuing`, `accounts`, `recovery` (the flows, free of HTTP and
GraphQL), `graphql` and `web` (thin layers over them), `mail` (message texts).
"""
