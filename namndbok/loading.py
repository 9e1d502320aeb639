"""Load a ledger through Beancount, always from the files themselves.

Beancount's loader keeps a pickle cache beside a ledger that takes more than a
second to load, and trusts it while the files it read are unchanged. It does
not notice a *new* file that an `include` glob now matches — exactly what an
import or a year-end close writes. So our commands never use that cache.
"""

from __future__ import annotations

from pathlib import Path

from beancount import loader

loader.initialize(use_cache=False)


def load(path: str | Path):
    """(entries, errors, options_map) of the ledger at `path`."""
    return loader.load_file(str(path))
