"""The files a load reads are recorded by the reading itself (namndbok.load_inputs), and the
kept load (namndbok.load_cache) is served only while every one of them is as it was.

No list of files is kept by hand: a test audits every file Python opens during a whole
load of the example (kontoplan, periodisering, lock files, the ledger's own files) against
what the load recorded; a stage that read a file some other way would show up here. A
second test changes each recorded file in turn and sees the next load made afresh.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

import pytest
from beancount import loader

from namndbok import load_cache, load_inputs, loading
from namndbok.writer_lock import reading

_audit: list = []  # the paths opened while a test listens (sys.addaudithook cannot be removed)


def _hook(event, args):
    if _audit and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        _audit[-1].append(os.fsdecode(args[0]))


sys.addaudithook(_hook)


@contextmanager
def opened():
    """The files Python opens in the block (regular files; not Python's own code)."""
    paths: list = []
    _audit.append(paths)
    try:
        yield paths
    finally:
        _audit.pop()
    code = tuple(os.path.abspath(p) for p in sys.path if p)
    kept = {os.path.abspath(p) for p in paths if not p.endswith((".py", ".pyc")) and not p.startswith(("/proc/", "/dev/"))}
    paths[:] = sorted(p for p in kept if os.path.isfile(p) and not (p.startswith(code) and "site-packages" in p))


def test_every_file_a_load_opens_is_the_ledgers_or_recorded(example_copy):
    loader.load_file(str(example_copy))  # the plugins' modules imported before listening
    with reading(example_copy), load_inputs.recording() as read, opened() as paths:
        _, errors, options = loader.load_file(str(example_copy))  # as namndbok.loading loads
    assert [e for e in errors if not e.message.startswith("Varning")] == []
    base = example_copy.parent
    assert {str(base / "kontoplan.toml"), str(base / "periodisering.toml"),
            str(base / "2026" / "las-2026-04-30.txt"), str(base / "2025" / "las.txt")} <= set(read)
    unrecorded = set(paths) - set(options["include"]) - set(read)
    assert unrecorded == set(), "read during the load but not through namndbok.load_inputs"


@pytest.fixture
def kept_ledger(example_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("NAMNDBOK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NAMNDBOK_CACHE", raising=False)
    monkeypatch.setattr(load_cache, "MIN_SECONDS", 0)
    monkeypatch.setattr(load_cache, "RACY_SECONDS", 0)
    return example_copy


def test_changing_any_recorded_file_makes_the_next_load_fresh(kept_ledger, loads):
    count = loads
    first = loading.load(kept_ledger)
    with open(load_cache.cache_path(kept_ledger.absolute()), "rb") as handle:
        _, inputs = __import__("pickle").load(handle)
    recorded = sorted(set(dict(inputs.files)) - set(first[2]["include"]))
    assert len(recorded) >= 6  # kontoplan, periodisering, five lock files
    for path in recorded:
        loading.load(kept_ledger)
        before = count["n"]
        loading.load(kept_ledger)
        assert count["n"] == before, path  # kept while nothing changed
        st = os.stat(path)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # e.g. an edit that keeps the size
        loading.load(kept_ledger)
        assert count["n"] == before + 1, f"{path} changed, but the kept load was served"


def test_a_kept_load_brings_its_reading(kept_ledger):
    """The kept load holds namndbok.plugins.namndbok's reading, still provably of its entries."""
    from namndbok.ledgerdata import read_ledger
    from namndbok.load_reading import KEY, reading_of

    loading.load(kept_ledger)
    entries, _, options = loading.load(kept_ledger)  # read back from the kept file
    reading = reading_of(entries, options)
    assert reading is options[KEY].reading
    fresh = read_ledger(entries, options)
    assert (reading.utfall, reading.refs, reading.eget_kapital) == (fresh.utfall, fresh.refs, fresh.eget_kapital)
