"""Python's cyclic garbage collector paused for bulk work.

A large import makes and keeps hundreds of thousands of small objects (rows,
postings, the entries of the ledger's two loads) and no cycles to speak of; the
collector's passes over them cost 40 % of parsing a million SIE rows and 15 % of
the whole import. Cycles made meanwhile are freed when it runs again.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector paused in the block (and left as it was found afterwards)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
