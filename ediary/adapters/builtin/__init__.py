"""Behaviour that ships with ediary, registered as plugins so a region can replace it."""
