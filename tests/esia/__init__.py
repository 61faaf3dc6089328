"""A stand-in for ESIA in tests: GOST keys and certificates made at test time (`keys`) and
the signature check the local provider calls (`verify`)."""
