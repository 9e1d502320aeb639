"""Lock files are read as far as a check needs: the files at once, fingerprints only for a changed file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from conftest import EXAMPLE_DIR

from namndbok import las
from namndbok.las import LockFile, check_locks, parse_locks

LOCK_FILES = sorted(EXAMPLE_DIR.glob("*/las*.txt"))


def _eager_files(text: str) -> dict[str, str]:
    files = {}
    for line in text.splitlines():
        parts = line.split(maxsplit=2)
        if len(parts) == 3 and parts[0] == las.FILE_LINE:
            files[parts[2]] = parts[1]
    return files


def test_the_example_lock_files_read_lazily_equal_a_full_read(example_ledger):
    """Each example lock file read back holds, per file, the fingerprints of the example's
    entries in its period (the ledger is as at the closes: test_bokslut holds it so)."""
    entries, _, options = example_ledger
    base = Path(options["filename"]).parent
    locks, _ = parse_locks(entries, base)
    assert sorted(lock.path for lock in locks) == LOCK_FILES
    for period in locks:
        text = period.path.read_text(encoding="utf-8")
        lock = LockFile(text)
        assert lock.files == _eager_files(text) and lock.files
        expected: dict = {None: Counter()}
        for entry in entries:
            if period.start <= entry.date <= period.end and las.is_locked_kind(entry):
                expected.setdefault(las._relative(entry.meta["filename"], base), Counter())[las.fingerprint(entry)] += 1
        assert lock.by_file == expected and lock.prints == set().union(*expected.values())
        assert set(lock.files) == set(expected) - {None}
        assert not lock.loose and sum(sum(c.values()) for c in lock.by_file.values()) > 0


def test_loose_fingerprints_and_the_first_format():
    grouped = f"{las.FORMAT_2}: x\nabc123\nfil 00ff a b.beancount\ndef456\n"
    lock = LockFile(grouped)
    assert lock.loose and lock.files == {"a b.beancount": "00ff"}
    assert lock.by_file == {None: {"abc123": 1}, "a b.beancount": {"def456": 1}}
    first = LockFile("fil 00ff main.beancount\nabc123\nabc123\n")
    assert not first.loose and first.by_file is None and first.prints == {"abc123"}


def test_an_unchanged_ledger_is_checked_without_reading_a_fingerprint(example_ledger, monkeypatch):
    entries, errors, options = example_ledger
    assert errors == []
    read: list[LockFile] = []
    real = las.read_lock_file
    monkeypatch.setattr(las, "read_lock_file", lambda path: read.append(real(path)) or read[-1])
    locks, lock_errors = parse_locks(entries, Path(options["filename"]).parent)
    assert lock_errors == [] and len(locks) == 5
    assert check_locks(entries, locks) == []
    # A lock whose files are as at the close reads no fingerprint; one that names a file changed
    # since (the main file, which took the namndbok.plugins.namndbok line after the example was closed) does.
    base = Path(options["filename"]).parent

    def changed(lock):
        return any(las._current_hash(str(base / name)) != sha for name, sha in lock.files.items())

    assert len(read) == 5 and all(("_parsed" in lock.__dict__) == changed(lock) for lock in read)
    assert sum(map(changed, read)) < 5

