"""A minimal ediary plugin: one implementation of every hook, for the region "example"."""
