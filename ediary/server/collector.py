"""Python's garbage collector, set for a long-running server process.

A request builds tens of thousands of short-lived objects (rows, answer objects, dicts). With
the interpreter's defaults, a collection of the youngest generation runs every 700 new
container objects, and every hundredth one is a full collection that walks every object the
process holds: the schema, the plugins, every imported module, hundreds of thousands of
objects that live as long as the process. Measured with `bench.profile_w1`, that was close
to half the CPU of a computed class journal (W2) and a tenth of a week (W1).

So once the application has started, what exists then is frozen (moved out of the
collector's sight for good: it would never be garbage) and the youngest generation is
collected less often. Reference counting still frees almost everything a request builds the
moment it is dropped; the collector is only for cycles, which a higher threshold lets wait
a little longer, within a bound of a few megabytes.
"""

from __future__ import annotations

import gc

# New container objects between collections of the youngest generation (default 700).
YOUNG_THRESHOLD = 50_000


def tune() -> None:
    """Freeze what the started process holds and space the young collections out."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
