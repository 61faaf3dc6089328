"""Conversations between families and teachers, and acknowledgements parents sign."""
