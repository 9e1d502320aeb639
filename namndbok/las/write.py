"""`namndbok period-close ÅÅÅÅ-MM --las`: lock the year up to the period (a tertial, the delår).

Writes, beside the main file:

- `<år>/las-<datum>.txt`, the fingerprint of every entry dated 1 January … the
  period's last day (`namndbok.las`);
- `<år>/las-<datum>.beancount`, the lock's `custom "las"` line, a file of its
  own: locking a later period adds a file (the earlier one stays: git and the
  ledger show both closes), so two branches that lock different periods merge
  without a conflict, as imports and prognoses do (files per month and kind);
- `include "*/las-*.beancount"` in the main file, and `plugin "namndbok.plugins.las"` unless
  the main file runs `plugin "namndbok.plugins.namndbok"` (whose las stage checks the locks).

Locks written before that (`<år>/las.beancount`, every lock of the year in one
file, `include "*/las.beancount"`) stay where they are: a lock's line is never
moved, and a period locked there is already locked.

The caller has checked the period (the ledger loads clean), so a locked period
holds what its lock file says: locking the same period again changes nothing (a
sealed lock file is never written again; one of an older format is rewritten
sealed, with the same fingerprints: the migration).
Writes are journaled (`namndbok.journal`): a failed check or a kill -9 leaves
the files as they were.
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path
from typing import NamedTuple

from beancount.core import data
from beancount.parser import parser

from namndbok.accounts import Roots
from namndbok.fileio import atomic_write_text, write_refusal
from namndbok.journal import journal_for
from namndbok.las import (LOCK, chain_head, fingerprint_text, lock_file_text, lock_lines, parse_locks, read_seal,
                          with_lock_lines)
from namndbok.writer_lock import journaled
from namndbok.ledgerfile import canonical, root_option_lines
from namndbok.loading import faults, load, where

INCLUDE = 'include "*/las-*.beancount"'  # a file per lock (`lock_period`)
YEAR_INCLUDE = 'include "*/las.beancount"'  # the older way: every lock of a year in one file, kept as written


class LockError(Exception):
    """Why the period could not be locked (Swedish)."""


class LockResult(NamedTuple):
    start: datetime.date
    end: datetime.date
    path: Path  # the fingerprint file
    changed: bool


def lock_period(ledger: Path, entries, options, end: datetime.date) -> LockResult:
    """Lock 1 January … `end` of `end`'s year, from the ledger as loaded (`entries`): its
    las line in a file of its own, unless a lock file of the year holds the period already."""
    start = end.replace(month=1, day=1)
    folder = ledger.parent / str(end.year)
    prints = folder / f"las-{end}.txt"
    held_in = next((path for path in year_lock_files(folder) if (start, end) in existing_locks(path)), None)
    files, include = {}, INCLUDE
    if held_in is None:
        text = render({(start, end)}, Roots.from_options(options), end.year)
        files[folder / f"las-{end}.beancount"] = canonical(text)
    elif held_in.name == "las.beancount":
        include = YEAR_INCLUDE
    changed, _ = write_lock(ledger, f"namndbok period-close {end:%Y-%m} --las", prints, files,
                            include, entries, start, end)
    return LockResult(start, end, prints, changed)


def year_lock_files(folder: Path) -> list[Path]:
    """The files of a year's folder that hold its tertial and delår las lines: the older
    `las.beancount` (every lock of the year) and one `las-<datum>.beancount` per lock."""
    return sorted(path for path in (folder / "las.beancount", *folder.glob("las-*.beancount")) if path.is_file())


def write_lock(ledger: Path, command: str, prints: Path, files: dict[Path, str], include: str,
               entries, start: datetime.date, end: datetime.date):
    """Lock start … end (journaled, all or nothing): the fingerprint file `prints`, the
    `files` that hold the lock directive, the main file's plugin and include lines. The
    ledger must then load clean (else LockError, and everything is put back), and the
    fingerprints are written again from the ledger as it now loads (its files' hashes
    included), so a re-run writes the same. (changed, the load) — the load is None when
    no file changed (the ledger is the one `entries` came from)."""
    try:
        return _write_lock(ledger, command, prints, files, include, entries, start, end)
    except OSError as err:  # the journal has put back what was written
        folders = [journal_for(ledger).parent, prints.parent, *(path.parent for path in files)]
        raise LockError(write_refusal(err, folders)) from None


def _write_lock(ledger: Path, command: str, prints: Path, files: dict[Path, str], include: str,
                entries, start: datetime.date, end: datetime.date):
    with journaled(ledger, command) as originals:
        changed = seal_old_locks(originals, entries, ledger.parent, prints)
        previous = chain_head(ledger.parent, prints)  # the lock file this one follows in the chain
        original_lock = originals.keep(prints)
        changed = originals.write(prints, lock_file_text(original_lock, entries, start, end, ledger.parent, previous)) or changed
        for path, text in files.items():
            changed = originals.write(path, text) or changed
        changed = originals.write(ledger, with_lock_lines(ledger.read_text(encoding="utf-8"), include)) or changed
        if not changed:
            return False, None
        loaded = load(ledger, fresh=True)  # what was written, not a kept load
        wrong = faults(loaded[1])
        if wrong:  # the journal puts everything back as it was
            raise LockError(f"låsningen gav liggaren fel ({where(wrong[0])}: {wrong[0].message}); inget ändrades.")
        originals.write(prints, lock_file_text(original_lock, loaded[0], start, end, ledger.parent, previous))
    return True, loaded


def seal_old_locks(originals, entries, base: Path, exclude: Path) -> bool:
    """Rewrite every other lock file of an older format sealed and chained, in period
    order, with the fingerprints of the ledger as loaded (clean: what those locks
    hold) — the migration, done for all lock files at once so that a ledger never
    mixes sealed and unsealed ones (`namndbok.las.anchor` refuses a mix)."""
    changed = False
    locks, _ = parse_locks(entries, base)
    for lock in sorted(locks, key=lambda lock: (lock.end, lock.start, str(lock.path))):
        if lock.path.resolve() == exclude.resolve() or read_seal(lock.path.read_text(encoding="utf-8", errors="replace")).version == 3:
            continue
        text = fingerprint_text(entries, lock.start, lock.end, base, chain_head(base, lock.path))
        changed = originals.write(lock.path, text) or changed
    return changed


def existing_locks(locks_file: Path) -> set[tuple[datetime.date, datetime.date]]:
    """The periods the locks file already holds (read from the file itself, included or not)."""
    if not locks_file.exists():
        return set()
    found = set()
    for entry in parser.parse_file(str(locks_file))[0]:
        if not (isinstance(entry, data.Custom) and entry.type == LOCK and len(entry.values) == 2):
            continue
        try:
            found.add(tuple(datetime.date.fromisoformat(v.value) for v in entry.values))
        except (TypeError, ValueError):
            continue  # not a lock this command wrote; namndbok.plugins.las reports it at its line
    return found


def render(periods, roots: Roots, year: int) -> str:
    out = [f"; Lås av period {year} (tertial, delår). Skapad av `namndbok period-close ÅÅÅÅ-MM --las`: ändra inte för hand.",
           *root_option_lines(roots)]
    for start, end in sorted(periods, key=lambda p: (p[1], p[0])):
        out += ["", f"; Posterna {start} – {end} som de var när perioden stängdes (fingeravtryck i las-{end}.txt).",
                *lock_lines(start, end, f"{year}/las-{end}.txt")]
    return "\n".join(out) + "\n"


def drop_period_locks(ledger: Path) -> None:
    """Take the tertial and delår locks out of a copy: the include line and their files.

    For benchmarks and tests that import generated rows into months that the
    copied ledger has locked; never for the committee's own ledger (a lock file
    without its line is a deleted lock, which every load refuses)."""
    text = ledger.read_text(encoding="utf-8")
    for path in ledger.parent.glob("*/las-*.txt"):
        path.unlink()
    for path in (*ledger.parent.glob("*/las.beancount"), *ledger.parent.glob("*/las-*.beancount")):
        path.unlink()
    atomic_write_text(ledger, text.replace(f"{YEAR_INCLUDE}\n", "").replace(f"{INCLUDE}\n", ""))


def unlocked_copy(ledger: Path, folder: Path) -> Path:
    """A copy of the ledger's folder as `folder`, to import generated rows into (benchmarks and
    tests): without its tertial and delår locks, which would refuse rows in those months."""
    shutil.copytree(ledger.parent, folder)
    drop_period_locks(folder / ledger.name)
    return folder
