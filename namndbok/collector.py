"""Python's cyclic garbage collector paused for bulk work.

A large import makes and keeps hundreds of thousands of small objects (rows,
postings, the entries of the ledger's two loads) and no cycles to speak of; the
collector's passes over them cost 40 % of parsing a million SIE rows and 15 % of
the whole import. Cycles made meanwhile are freed when it runs again.

The plugins run paused too (`paused_plugin`): a load holds every entry of the
ledger, and a few thousand new objects (namndbok.plugins.kontoplan's Open directives,
the readings' sums) would set off a full pass over all of them, which cost more
than the plugin's own work (14 of 21 ms, when namndbok.plugins.budget still made Fava's
budget directives on the example ledger).
"""

from __future__ import annotations

import gc
import functools
from contextlib import contextmanager
from typing import Callable, Iterator


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


def paused_plugin(function: Callable) -> Callable:
    """A Beancount plugin function run with the collector paused."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        with collector_paused():
            return function(*args, **kwargs)

    return run
