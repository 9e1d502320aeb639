"""The files a load reads besides the ledger's own, recorded as they are read.

Every settings or lock file a plugin stage reads (kontoplaner, periodisering,
lock files, the files a lock names) is read or looked for through this module
(`read_bytes`, `read_text`, `stamp`; `settings.read_text` reads through it).
During a load (`recording()`, which `namndbok.loading` puts around Beancount's
load) each records the file's version (`fileio.file_stamp`: inode, size,
mtime, ctime; None when the file is missing) *before* it is read, so a
change during the load is a change too. `namndbok.load_cache` keeps a load
with this record and serves it only while every file in it is as recorded:
there is no list of files to keep by hand. `tests/test_load_inputs.py` audits
a whole load (every `open` Python makes, `sys.addaudithook`) against the
record and the ledger's own files, so a stage that reads a file another way
fails that test.

The record lives in a context variable set for the one load: nothing of it
outlives the load, and a load in another thread (Fava) records nothing.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Iterator

from namndbok.fileio import file_stamp

_record: ContextVar[dict | None] = ContextVar("namndbok_load_inputs", default=None)


@contextmanager
def recording() -> Iterator[dict]:
    """A record {absolute path: stamp or None} of the files read through this module in the block."""
    record: dict = {}
    token = _record.set(record)
    try:
        yield record
    finally:
        _record.reset(token)


def stamp(path: str | Path) -> tuple | None:
    """The file's version (None: missing), recorded when a load is being recorded."""
    found = file_stamp(path)
    record = _record.get()
    if record is not None:
        record.setdefault(os.path.abspath(path), found)
    return found


def read_bytes(path: str | Path) -> bytes:
    stamp(path)
    return Path(path).read_bytes()


def read_text(path: str | Path, errors: str = "strict") -> str:
    stamp(path)
    return Path(path).read_text(encoding="utf-8", errors=errors)
