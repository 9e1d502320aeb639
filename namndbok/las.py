"""Closed periods: what a closed period holds is frozen, entry by entry.

Closing a period (`namndbok bokslut ÅR`, or `namndbok period-close ÅÅÅÅ-MM --las`
for a tertial or the delår: 1 January to the month's end) writes a lock,

    2025-12-31 custom "las" "2025-01-01" "2025-12-31"
      fil: "2025/las.txt"

and beside it the fingerprint of every entry the period held at the close
(`beancount.core.compare.hash_entry` without metadata, so moving an entry to
another file or line changes nothing; one per line, sorted, so git shows what a
new close adds). From then on `plugins.las` refuses, at its file and line, any
entry dated inside a locked period that is not among those fingerprints — a new
entry, or an old one with a changed amount, account or text — unless it carries
an explicit, referenced correction marker:

    2025-12-20 * "Rättelse av felkontering"
      korrigering: "KS 2026-05-02 §50"
      …

Entries the plugins make themselves (their file starts with "<") and the
closing entries are not locked.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import os
from pathlib import Path
from typing import NamedTuple

from beancount.core import compare, data

from namndbok.budget import LedgerInputError

LOCK = "las"
PLUGIN = 'plugin "plugins.las"'
MARKER = "korrigering"
UNLOCKED_CUSTOM = {LOCK, "bokslut"}
LOCKED_TYPES = (data.Transaction, data.Custom, data.Balance, data.Pad, data.Note, data.Document)


class Lock(NamedTuple):
    start: datetime.date
    end: datetime.date
    path: Path  # the fingerprint file
    meta: dict
    base: Path  # the main file's folder (the file lines are relative to it)


def is_locked_kind(entry) -> bool:
    if not isinstance(entry, LOCKED_TYPES) or str(entry.meta.get("filename", "<")).startswith("<"):
        return False
    return not (isinstance(entry, data.Custom) and entry.type in UNLOCKED_CUSTOM)


def fingerprint(entry) -> str:
    return compare.hash_entry(entry, exclude_meta=True)


def fingerprints(entries, start: datetime.date, end: datetime.date) -> list[str]:
    """The sorted fingerprints of the lockable entries dated start … end."""
    return sorted({fingerprint(e) for e in entries if start <= e.date <= end and is_locked_kind(e)})


def fingerprint_text(entries, start: datetime.date, end: datetime.date, base: Path) -> str:
    """The lock's fingerprint file: first the files that held the period, with the
    SHA-256 of their content (`fil <sha256> <path from the main file>`), then the
    entries' fingerprints, one per line, sorted (git shows what a new close adds).

    The file lines are a shortcut for `check_locks`: an entry read from a file
    whose content is unchanged since the close is known without its fingerprint."""
    files = sorted({e.meta["filename"] for e in entries if start <= e.date <= end and is_locked_kind(e)})
    lines = []
    for name in files:
        relative = _relative(name, base)
        if relative is not None:
            lines.append(f"{FILE_LINE} {_file_hash(name)} {relative}\n")
    return "".join(lines) + "".join(f"{p}\n" for p in fingerprints(entries, start, end))


FILE_LINE = "fil"


def _relative(name: str, base: Path) -> str | None:
    """`name` relative to the main file's folder (Beancount's file names are absolute)."""
    if os.path.isabs(name) and base.is_absolute():
        return _relative_absolute(name, str(base))  # the same every load: remembered
    return _relative_absolute(os.path.abspath(name), os.path.abspath(base))


@functools.lru_cache(maxsize=8192)
def _relative_absolute(name: str, base: str) -> str | None:
    relative = os.path.relpath(name, base)
    if relative == ".." or relative.startswith("../") or os.path.isabs(relative):
        return None  # outside the ledger's folder: checked entry by entry
    return Path(relative).as_posix()


def _file_hash(name: str) -> str | None:
    try:
        return hashlib.sha256(Path(name).read_bytes()).hexdigest()
    except OSError:
        return None


def lock_file_text(original: str | None, entries, start: datetime.date, end: datetime.date, base: Path) -> str:
    """What a close writes to its lock file, given the file's text before the
    command (`original`, None when new): that text when it already holds the same
    fingerprints (only a file's hash may have gone stale, which costs
    `check_locks` a fingerprint per entry of that file, nothing else), so that
    re-running a close changes nothing; otherwise the new text."""
    text = fingerprint_text(entries, start, end, base)
    if original is not None and _parse_lock_text(original)[0] == _parse_lock_text(text)[0]:
        return original
    return text


def read_lock_file(path: Path) -> tuple[set[str], dict[str, str]]:
    """(fingerprints, {file from the main file: its SHA-256 at the close})."""
    return _parse_lock_text(path.read_text(encoding="utf-8", errors="replace"))


def _parse_lock_text(text: str) -> tuple[set[str], dict[str, str]]:
    prints: set[str] = set()
    files: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.split(maxsplit=2)
        if len(parts) == 3 and parts[0] == FILE_LINE:
            files[parts[2]] = parts[1]
        elif len(parts) == 1:
            prints.add(parts[0])
    return prints, files


def lock_lines(start: datetime.date, end: datetime.date, fil: str) -> list[str]:
    """The lock directive; `fil` is the fingerprint file relative to the main file."""
    return [f'{end} custom "{LOCK}" "{start}" "{end}"', f'  fil: "{fil}"']


def with_lock_lines(main_text: str, include: str) -> str:
    """The main file with plugins.las (before the plugins that add entries) and `include`."""
    if PLUGIN not in main_text:
        first = main_text.find("\nplugin ")
        if first >= 0:
            main_text = main_text[: first + 1] + PLUGIN + "\n" + main_text[first + 1:]
        else:
            main_text = main_text.rstrip("\n") + "\n" + PLUGIN + "\n"
    if include not in main_text:
        main_text = main_text.rstrip("\n") + "\n" + include + "\n"
    return main_text


def parse_locks(entries, base: Path) -> tuple[list[Lock], list]:
    locks, errors = [], []
    for entry in entries:
        if not isinstance(entry, data.Custom) or entry.type != LOCK:
            continue
        try:
            start, end = (datetime.date.fromisoformat(v.value) for v in entry.values)
            path = base / entry.meta["fil"]
        except (ValueError, KeyError, TypeError):
            errors.append(LedgerInputError(entry.meta, 'Ett lås skrivs: DATUM custom "las" "FRÅN" "TILL" med fil: (fingeravtrycken). Skapa det med `namndbok bokslut` eller `namndbok period-close ÅÅÅÅ-MM --las`.', entry))
            continue
        if not path.exists():
            errors.append(LedgerInputError(entry.meta, f"Låsets fil {path} saknas; den skrivs av `namndbok bokslut` eller `namndbok period-close --las`. Utan den kan perioden inte skyddas.", entry))
            continue
        locks.append(Lock(start, end, path, entry.meta, base))
    return locks, errors


_hashes: dict[str, str | None] = {}


def _current_hash(name: str) -> str | None:
    """The file's SHA-256, remembered per (size, mtime) so that a load hashes each file once."""
    try:
        stat = Path(name).stat()
    except OSError:
        return None
    key = f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}"
    if key not in _hashes:
        if len(_hashes) > 4096:  # a long-running Fava: forget old file versions
            _hashes.clear()
        _hashes[key] = _file_hash(name)
    return _hashes[key]


def check_locks(entries, locks: list[Lock]) -> list:
    """Errors for entries in a locked period that the lock does not know; once per entry."""
    if not locks:
        return []
    known = []
    for lock in sorted(locks, key=lambda lock: (lock.end, lock.start)):
        prints, files = read_lock_file(lock.path)
        known.append((lock, prints, files))
    unchanged: dict[tuple[int, str], bool] = {}  # (lock, file) → same content as at the close

    def as_closed(index: int, lock: Lock, files: dict, name: str) -> bool:
        key = (index, name)
        if key not in unchanged:
            relative = _relative(name, lock.base)
            unchanged[key] = relative in files and files[relative] == _current_hash(name)
        return unchanged[key]

    # Looked up once per date and once per file: which locks cover a date, and under
    # which locks a file is byte for byte as it was at the close (its entries were there).
    covering_date: dict[datetime.date, tuple[int, ...]] = {}
    closed_under: dict[object, frozenset[int]] = {}

    errors = []
    for entry in entries:
        date = entry.date
        covering = covering_date.get(date)
        if covering is None:
            covering = covering_date[date] = tuple(
                index for index, (lock, _, _) in enumerate(known) if lock.start <= date <= lock.end)
        if not covering:
            continue
        meta = entry.meta
        name = meta.get("filename")
        closed = closed_under.get(name)
        if closed is None:
            closed = closed_under[name] = frozenset(
                index for index, (lock, _, files) in enumerate(known) if isinstance(name, str) and as_closed(index, lock, files, name))
        if MARKER not in meta and closed.issuperset(covering):
            continue  # the common case: its file is as it was at the close of every lock that covers it
        if not is_locked_kind(entry):
            continue
        if MARKER in meta:
            reference = meta[MARKER]
            if not isinstance(reference, str) or not reference.strip():
                errors.append(LedgerInputError(meta, (
                    f'{MARKER}: ska ange beslutet eller ärendet som rättelsen bygger på, som text, '
                    't.ex. korrigering: "KS 2026-05-02 §50".'), entry))
            continue
        mark = fingerprint(entry)
        lock = next((known[index][0] for index in covering if index not in closed and mark not in known[index][1]), None)
        if lock is not None:
            errors.append(LedgerInputError(meta, (
                f"Perioden {lock.start} – {lock.end} är stängd ({lock.meta.get('filename')}:{lock.meta.get('lineno')}), "
                "och den här posten fanns inte där vid stängningen (eller har ändrats sedan). Ta bort ändringen, "
                'eller gör en rättelse med korrigering: "beslutsreferens" på posten.'), entry))
    return errors
