"""A ledger's last load, kept on disk and used only while nothing it came from has changed.

Every `namndbok` command loads the ledger through Beancount and our plugins:
0.15 s for the example, ~2 s at 100 000 SIE rows. Read back from a pickle, the
same load takes 16 ms and 0.4 s. Beancount has such a cache of its own, but
trusts it while the files it read are unchanged, and so misses a *new* file
that an `include` glob now matches — what every import and close writes — and
the files our plugins read (kontoplan, periodisering, lock files). This one is
used only when all of these are exactly as they were:

- every file the load parsed (inode, size, mtime and ctime: an edit, an atomic
  replace or a restore by the journal all change one of them);
- what each `include` pattern in those files matches now (a new month's file);
- every other file the load read or looked for, as the load recorded it when
  it read it (`namndbok.load_inputs`: kontoplaner, periodisering, lock files,
  the files a lock names; a missing one is recorded as missing, so its
  appearance counts too) — recorded by the reading itself, never listed by hand;
- the code: Python, Beancount, and every module of `namndbok` and `plugins`.

A load is kept only when it took half a second or more (pickling costs about a
quarter of the load; the example's 0.15 s is not worth it), and not when the
ledger runs a plugin that is neither ours nor Beancount's (it may read
anything), sets `documents` folders (Beancount lists them), is encrypted, or
when one of its files changed less than a second before the load began (it
may have changed while it was read). A command that is about to write the
ledger loads without keeping (`keep=False`), and one that verifies what it
wrote loads afresh (`fresh=True`). The cache
lives in `$NAMNDBOK_CACHE_DIR`, else `$XDG_CACHE_HOME/namndbok` or
`~/.cache/namndbok`, one file per ledger; `NAMNDBOK_CACHE=0` turns it off. A
cache file that cannot be read is ignored and rewritten.
"""

from __future__ import annotations

import glob
import hashlib
import os
import pickle
import re
import sys
from pathlib import Path
from typing import NamedTuple

from namndbok.fileio import file_stamp

RACY_SECONDS = 1.0  # a file changed this close to the load's start may have changed while it was read
MIN_SECONDS = 0.5  # a quicker load is not worth keeping (pickling costs about a quarter of a load)
VERSION = 3  # 2: the version and inputs, then the load, as two pickles; 3: the files read as recorded
INCLUDE = re.compile(r'^[ \t]*include\s+"((?:[^"\\]|\\.)*)"', re.M)  # Beancount also obeys an indented one
OUR_PLUGINS = ("namndbok.plugins.", "beancount.")


class Inputs(NamedTuple):
    """Everything a load came from, as it was."""

    files: tuple[tuple[str, tuple | None], ...]  # (path, stat key or None when missing)
    globs: tuple[tuple[str, tuple[str, ...]], ...]  # (absolute pattern, what it matched)
    code: str


def enabled() -> bool:
    return os.environ.get("NAMNDBOK_CACHE", "1") != "0"


def cache_path(ledger: Path) -> Path:
    folder = os.environ.get("NAMNDBOK_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "namndbok")
    name = hashlib.sha256(str(ledger).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return Path(folder) / f"{name}.pickle"


def _matches(pattern: str) -> tuple[str, ...]:
    return tuple(sorted(os.path.normpath(p) for p in glob.glob(pattern, recursive=True)))


def _code_key() -> str:
    """Python, Beancount and our own modules, by name, size and mtime."""
    import beancount

    import namndbok
    import namndbok.plugins

    parts = [sys.version, getattr(beancount, "__version__", "?"), str(VERSION)]
    for folder in (Path(namndbok.__file__).resolve().parent, Path(namndbok.plugins.__file__).resolve().parent):
        for path in sorted(folder.rglob("*.py")):
            st = path.stat()
            parts.append(f"{path.relative_to(folder.parent)}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def inputs_of(result, started: float, read: dict) -> Inputs | None:
    """What a fresh load came from, or None when it must not be kept. `read`: the other
    files the load read, with their versions when read (`namndbok.load_inputs.recording`)."""
    entries, _, options_map = result
    sources = list(options_map.get("include") or [])
    if not sources or options_map.get("documents"):
        return None
    if any(not name.startswith(OUR_PLUGINS) for name, _ in options_map.get("plugin", [])):
        return None
    from beancount.utils import encryption

    versions = {name: file_stamp(name) for name in sources}
    versions.update(read)  # as they were when read
    files = sorted(versions.items())
    recent = (started - RACY_SECONDS) * 1e9
    if any(key is not None and max(key[2], key[3]) >= recent for _, key in files):
        return None
    globs = []
    for source in sources:
        if encryption.is_encrypted_file(source):
            return None
        try:
            text = Path(source).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        for pattern in INCLUDE.findall(text):
            absolute = pattern if os.path.isabs(pattern) else os.path.join(os.path.dirname(source), pattern)
            globs.append((absolute, _matches(absolute)))
    parsed = set(sources)
    if any(match not in parsed for _, matched in globs for match in matched):
        return None  # a file that appeared after Beancount globbed: the load did not read it
    return Inputs(tuple(files), tuple(globs), _code_key())


def unchanged(inputs: Inputs) -> bool:
    return (inputs.code == _code_key()
            and all(file_stamp(name) == key for name, key in inputs.files)
            and all(_matches(pattern) == matched for pattern, matched in inputs.globs))


def read(ledger: Path):
    """The kept load of `ledger` when nothing it came from has changed, else None."""
    from namndbok.collector import collector_paused

    path = cache_path(ledger)
    try:
        with open(path, "rb") as handle:
            # Two pickles: the version and inputs first, so that a stale load (after any
            # edit, import or close) is known without reading the whole ledger back.
            version, inputs = pickle.load(handle)
            if version != VERSION or not isinstance(inputs, Inputs) or not unchanged(inputs):
                return None
            with collector_paused():  # a whole ledger of new objects, no cycles
                return pickle.load(handle)
    except Exception:  # missing, unreadable, from another version: load afresh
        return None


def write(ledger: Path, result, started: float, finished: float, read: dict) -> None:
    """Keep `result` (a fresh load from `started` to `finished`, which read the files `read`
    besides the ledger's: `namndbok.load_inputs`) when it may be kept and took long enough
    to be worth it; never fails the load."""
    from namndbok.fileio import atomic_write_bytes

    try:
        path = cache_path(ledger)
        inputs = inputs_of(result, started, read) if finished - started >= MIN_SECONDS else None
        if inputs is None:
            path.unlink(missing_ok=True)
            return
        head = pickle.dumps((VERSION, inputs), protocol=pickle.HIGHEST_PROTOCOL)
        atomic_write_bytes(path, head + pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # a full disk or a read-only home: the load itself stands
        return
