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


def is_locked_kind(entry) -> bool:
    if not isinstance(entry, LOCKED_TYPES) or str(entry.meta.get("filename", "<")).startswith("<"):
        return False
    return not (isinstance(entry, data.Custom) and entry.type in UNLOCKED_CUSTOM)


def fingerprint(entry) -> str:
    return compare.hash_entry(entry, exclude_meta=True)


def fingerprints(entries, start: datetime.date, end: datetime.date) -> list[str]:
    """The sorted fingerprints of the lockable entries dated start … end."""
    return sorted({fingerprint(e) for e in entries if start <= e.date <= end and is_locked_kind(e)})


def fingerprint_text(entries, start: datetime.date, end: datetime.date) -> str:
    """The lock's fingerprint file: one per line, sorted (git shows what a new close adds)."""
    return "".join(f"{p}\n" for p in fingerprints(entries, start, end))


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
        locks.append(Lock(start, end, path, entry.meta))
    return locks, errors


def check_locks(entries, locks: list[Lock]) -> list:
    """Errors for entries in a locked period that the lock does not know; once per entry."""
    if not locks:
        return []
    known = [(lock, set(lock.path.read_text(encoding="utf-8", errors="replace").split()))
             for lock in sorted(locks, key=lambda lock: (lock.end, lock.start))]
    errors = []
    for entry in entries:
        covering = [(lock, prints) for lock, prints in known if lock.start <= entry.date <= lock.end]
        if not covering or not is_locked_kind(entry):
            continue
        if MARKER in entry.meta:
            reference = entry.meta[MARKER]
            if not isinstance(reference, str) or not reference.strip():
                errors.append(LedgerInputError(entry.meta, (
                    f'{MARKER}: ska ange beslutet eller ärendet som rättelsen bygger på, som text, '
                    't.ex. korrigering: "KS 2026-05-02 §50".'), entry))
            continue
        mark = fingerprint(entry)
        lock = next((lock for lock, prints in covering if mark not in prints), None)
        if lock is not None:
            errors.append(LedgerInputError(entry.meta, (
                f"Perioden {lock.start} – {lock.end} är stängd ({lock.meta.get('filename')}:{lock.meta.get('lineno')}), "
                "och den här posten fanns inte där vid stängningen (eller har ändrats sedan). Ta bort ändringen, "
                'eller gör en rättelse med korrigering: "beslutsreferens" på posten.'), entry))
    return errors
