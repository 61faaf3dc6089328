"""A least-recently-used cache of what was made from texts clients sent (GraphQL documents),
bounded by bytes rather than by entries.

A count of entries bounds nothing when each key can be megabytes long: five hundred
documents padded to the body limit are half a gigabyte. Each entry here weighs its key's
text and an estimate of what was made from it, and a text too long to be worth keeping is
not kept at all. Callers keep only what logged-in users sent (see the architecture's trust
section): nothing an anonymous client sends outlives its request.
"""

from __future__ import annotations

import sys
from collections.abc import Hashable
from typing import Generic, TypeVar

from cachetools import LRUCache

V = TypeVar("V")

# Bookkeeping per entry beyond its key and value: the tuple, the LRU links.
_OVERHEAD = 256


class TextCache(Generic[V]):
    """Values by (text, details), at most `capacity` bytes in all; see the module."""

    def __init__(self, capacity: int, *, per_char: int, max_chars: int) -> None:
        """`per_char`: bytes the value costs per character of its text (an upper estimate);
        `max_chars`: longer texts are not kept."""
        self.capacity = capacity
        self.per_char = per_char
        self.max_chars = max_chars
        self._entries: LRUCache[tuple[str, Hashable], tuple[int, V]] = LRUCache(
            maxsize=max(capacity, 1), getsizeof=lambda entry: entry[0]
        )

    @property
    def size(self) -> int:
        """Bytes the kept entries weigh."""
        return int(self._entries.currsize)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, text: str, details: Hashable = None) -> V | None:
        found = self._entries.get((text, details))
        return None if found is None else found[1]

    def put(self, text: str, value: V, details: Hashable = None) -> None:
        """Keep `value`, unless its text is too long or it alone would outweigh the cache."""
        if len(text) > self.max_chars:
            return
        weight = sys.getsizeof(text) + self.per_char * len(text) + _OVERHEAD
        if weight <= self.capacity:
            self._entries[(text, details)] = (weight, value)
