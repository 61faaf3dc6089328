"""Printable copies of what the domain computes (presentation only; see `pdf`)."""
