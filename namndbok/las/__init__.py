"""Closed periods: what a closed period holds is frozen, entry by entry.

Closing a period (`namndbok bokslut ÅR`, or `namndbok period-close ÅÅÅÅ-MM --las`
for a tertial or the delår: 1 January to the month's end) writes a lock,

    2025-12-31 custom "las" "2025-01-01" "2025-12-31"
      fil: "2025/las.txt"

and beside it, in a lock file (`las.txt`, `las-<datum>.txt`), the fingerprint
of every entry the period held at the close (`beancount.core.compare.hash_entry`
without metadata, so moving an entry to another file or line changes nothing),
grouped under the file that held it with the file's SHA-256, one per line,
sorted, so git shows what a new close adds. The file is sealed and chained
(format 3):

    # Nämndbok lås 3 <SHA-256 of everything below this line>
    # varje fil som höll perioden …
    period 2025-01-01 2025-12-31
    föregående <SHA-256 of the lock file before it> 2024/las.txt
    fil 9384f8dd… 2025/beslut.beancount
    8d37eb1fbe37bde98123e0c56be0a1b7
    …

From then on `namndbok.plugins.las` refuses, at its file and line, any entry dated
inside a locked period that is not among those fingerprints — a new entry, or
an old one with a changed amount, account or text — and, at the lock's line,
entries that are gone from it. Nothing inside a closed period makes a change
allowed: a correction is a NEW entry dated in an open period that names the
decision allowing it,

    2026-09-30 * "Rättelse av felkontering i juni"
      korrigering: "KS 2026-05-02 §50"
      …

and a `korrigering:` anywhere must hold a real reference (a letter and a
digit, not "-" or a placeholder). Entries the plugins make themselves (their
file starts with "<") and the closing entries are not locked.

What a lock promises, and what it cannot. The plugin line, the las lines and
the lock files are all text, so the locks are checked from what is on disk
too (`namndbok.las.anchor`, at every load of our commands and in the Fava
extension): a lock file without its las line is a deleted lock, a las line
with other dates a changed one, a ledger with lock files but without
`namndbok.plugins.las` (or with plugins off) is refused; a lock file whose seal does not
match, or whose predecessor in the chain is gone or changed, is refused; and
in git (`namndbok.las.history`) a sealed lock file is only ever added: one
changed or deleted on the current branch is refused. Lock files are never
written again, only added. So no change to a closed period goes unseen by
`kontrollera`, `period-close` or the Fava pages — unless someone with write
access to everything rewrites the lock files consistently (seals and chain)
and git history too, or, without git, removes the newest lock file together
with its las line (`kontrollera` says what it cannot check without git). A
lock file of an older format (no seal) still locks, with a warning; the next
lock command seals them all (`namndbok.las.write.seal_old_locks`).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import os
import re
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from beancount.core import compare, data

from namndbok.budget import LedgerInputError
from namndbok import load_inputs
from namndbok.fileio import os_reason

LOCK = "las"
PLUGIN = 'plugin "namndbok.plugins.las"'
MARKER = "korrigering"
UNLOCKED_CUSTOM = {LOCK, "bokslut"}
LOCKED_TYPES = (data.Transaction, data.Custom, data.Balance, data.Pad, data.Note, data.Document)


class LockBreach(LedgerInputError):
    """An error that says a lock does not hold (the Fava pages refuse to show numbers then)."""


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


FORMAT_2 = "# Nämndbok lås 2"  # how a lock file of the second format begins (no seal: read, with a warning)
FORMAT_3 = "# Nämndbok lås 3"  # the third: `FORMAT_3 <sha256 of the rest of the file>`
HEADER = "# varje fil som höll perioden (fil sha256 sökväg) och dess posters fingeravtryck. Ändras aldrig: ett nytt lås är en ny fil."
PERIOD_LINE = "period"
PREVIOUS_LINE = "föregående"
NONE = "-"


def fingerprint_text(entries, start: datetime.date, end: datetime.date, base: Path,
                     previous: tuple[str, str] | None = None) -> str:
    """The lock's fingerprint file (format 3): a seal line with the SHA-256 of the
    rest of the file, the period, the previous lock file in the chain (its SHA-256
    and path from the main file, `- -` for the first), then each file that held the
    period with the SHA-256 of its content (`fil <sha256> <path from the main file>`)
    followed by the fingerprints of its entries in the period, one per line, sorted
    (an entry that occurs twice is there twice), so git shows what a new close adds.
    Entries from files outside the ledger's folder come first, before any file line.

    The file lines are a shortcut for `check_locks` (an entry read from a file whose
    content is unchanged since the close is known without its fingerprint), and the
    grouping lets it see an entry that is gone: what a changed file held at the
    close must still be somewhere in the period."""
    by_file: dict[str | None, list[str]] = {}
    hashes: dict[str, str | None] = {}
    for entry in entries:
        if start <= entry.date <= end and is_locked_kind(entry):
            name = entry.meta["filename"]
            relative = _relative(name, base)
            if relative is not None and relative not in hashes:
                hashes[relative] = _current_hash(name)
            by_file.setdefault(relative, []).append(fingerprint(entry))
    sha, path = previous or (NONE, NONE)
    lines = [HEADER, f"{PERIOD_LINE} {start} {end}", f"{PREVIOUS_LINE} {sha} {path}", *sorted(by_file.get(None, []))]
    for relative in sorted(r for r in by_file if r is not None):
        lines.append(f"{FILE_LINE} {hashes[relative]} {relative}")
        lines += sorted(by_file[relative])
    return sealed("".join(f"{line}\n" for line in lines))


def sealed(body: str) -> str:
    """`body` under its seal line: the SHA-256 of the body, checked at every load."""
    return f"{FORMAT_3} {hashlib.sha256(body.encode('utf-8')).hexdigest()}\n{body}"


class Seal(NamedTuple):
    """What a lock file says about itself. `version` 1 or 2: an old lock file,
    without a seal (`intact` is then True: nothing to check)."""

    version: int
    intact: bool  # the seal matches the rest of the file
    period: tuple[str, str] | None  # (start, end) as written
    previous: tuple[str, str] | None  # (sha256, path from the main file); None for the first lock


def read_seal(text: str) -> Seal:
    first, _, body = text.partition("\n")
    if not first.startswith(FORMAT_3 + " "):
        return Seal(2 if first.startswith(FORMAT_2) else 1, True, None, None)
    intact = first[len(FORMAT_3) + 1:].strip() == hashlib.sha256(body.encode("utf-8")).hexdigest()
    period = previous = None
    for line in body.splitlines()[:4]:
        parts = line.split(maxsplit=2)
        if len(parts) == 3 and parts[0] == PERIOD_LINE:
            period = (parts[1], parts[2])
        elif len(parts) == 3 and parts[0] == PREVIOUS_LINE and parts[1] != NONE:
            previous = (parts[1], parts[2])
    return Seal(3, intact and period is not None, period, previous)


LOCK_NAME = re.compile(r"las(-[^/\\]*)?\.txt")


def is_lock_file_name(name: str) -> bool:
    return LOCK_NAME.fullmatch(name) is not None


def lock_files_on_disk(base: Path) -> list[Path]:
    """Every lock file (`las.txt`, `las-*.txt`) in the main file's folder and below it."""
    found = []
    for folder, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(folder) / name for name in sorted(files) if is_lock_file_name(name)]
    return found


def chain_head(base: Path, exclude: Path) -> tuple[str, str] | None:
    """The lock file a new lock names as its previous one: the last of the chain of
    sealed lock files (the one no other names), its (SHA-256, path from the main file);
    None when there is none (the first lock). `exclude`: the lock file being written."""
    sealed_files = {}
    for path in lock_files_on_disk(base):
        if path.resolve() == exclude.resolve():
            continue
        try:
            raw = path.read_bytes()
        except OSError:
            continue  # the load says so (namndbok.las.anchor); the close refuses a ledger with errors
        seal = read_seal(raw.decode("utf-8", errors="replace"))
        if seal.version == 3:
            sealed_files[path.relative_to(base).as_posix()] = (hashlib.sha256(raw).hexdigest(), seal)
    named = {seal.previous[1] for _, seal in sealed_files.values() if seal.previous}
    heads = [relative for relative in sealed_files if relative not in named] or list(sealed_files)
    if not heads:
        return None
    last = max(heads, key=lambda relative: (sealed_files[relative][1].period or ("", ""))[::-1] + (relative,))
    return sealed_files[last][0], last


FILE_LINE = "fil"


def _relative(name: str, base: Path) -> str | None:
    """`name` relative to the main file's folder (Beancount's file names are absolute)."""
    if os.path.isabs(name) and base.is_absolute():
        return _relative_absolute(name, str(base))  # the same every load: remembered
    return _relative_absolute(os.path.abspath(name), os.path.abspath(base))


@functools.lru_cache(maxsize=8192)
def _relative_absolute(name: str, base: str) -> str | None:
    prefix = base.rstrip(os.sep) + os.sep
    if name.startswith(prefix) and os.path.normpath(name) == name and os.path.normpath(base) == base.rstrip(os.sep):
        relative = name[len(prefix):]  # the common case, a file under the main file's folder: what relpath gives
    else:
        relative = os.path.relpath(name, base)
        if relative == ".." or relative.startswith(".." + os.sep) or os.path.isabs(relative):
            return None  # outside the ledger's folder: checked entry by entry
    return relative.replace(os.sep, "/")


def _file_hash(name: str) -> str | None:
    try:
        return hashlib.sha256(load_inputs.read_bytes(name)).hexdigest()
    except OSError:
        return None


def lock_file_text(original: str | None, entries, start: datetime.date, end: datetime.date, base: Path,
                   previous: tuple[str, str] | None = None) -> str:
    """What a close writes to its lock file, given the file's text before the
    command (`original`, None when new): a sealed lock file (format 3) is never
    written again — only added — so it is returned as it is (only a file's hash may
    have gone stale, which costs `check_locks` a fingerprint per entry of that file;
    any other difference is a broken lock, which the load refuses before a close).
    A lock file of an older format is rewritten sealed, chained to `previous`
    (the migration)."""
    if original is not None and read_seal(original).version == 3:
        return original
    return fingerprint_text(entries, start, end, base, previous)


class LockFile:
    """A lock file, read as far as a check needs it.

    `files` (file from the main file → its SHA-256 at the close) at once; the
    fingerprints (`prints`: every one of the period; `by_file`: file → its
    entries' fingerprints, None for the first format) only when asked for, which
    is when a file has changed since the close. A load of a ledger whose closed
    files are as they were reads no fingerprint."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.files: dict[str, str] = {}
        first = None
        for match in _FILE_LINES.finditer(text):
            parts = match[0].split(maxsplit=2)
            if len(parts) == 3:
                self.files[parts[2]] = parts[1]
                first = match.start() if first is None else first
        lines = text[:first].splitlines() if first is not None else text.splitlines()
        grouped = bool(lines) and lines[0].startswith((FORMAT_2, FORMAT_3))
        # fingerprints before the first file line: entries from outside the ledger's folder
        self.loose = any(len(line.split()) == 1 for line in (lines[1:] if grouped else lines))

    @functools.cached_property
    def _parsed(self) -> tuple[set[str], dict[str | None, Counter] | None]:
        return _parse_fingerprints(self.text)

    @property
    def prints(self) -> set[str]:
        return self._parsed[0]

    @property
    def by_file(self) -> dict[str | None, Counter] | None:
        return self._parsed[1]


_FILE_LINES = re.compile(r"^fil[ \t][^\r\n]*", re.M)


def read_lock_file(path: Path) -> LockFile:
    return LockFile(load_inputs.read_text(path, errors="replace"))


def _parse_fingerprints(text: str) -> tuple[set[str], dict[str | None, Counter] | None]:
    prints: set[str] = set()
    lines = text.splitlines()
    grouped = bool(lines) and lines[0].startswith((FORMAT_2, FORMAT_3))
    by_file: dict[str | None, Counter] = {None: Counter()}
    current: str | None = None
    for line in lines[1:] if grouped else lines:
        parts = line.split(maxsplit=2)
        if len(parts) == 3 and parts[0] == FILE_LINE:
            current = parts[2]
            by_file[current] = Counter()
        elif len(parts) == 1:
            prints.add(parts[0])
            by_file[current][parts[0]] += 1
    return prints, by_file if grouped else None


def lock_lines(start: datetime.date, end: datetime.date, fil: str) -> list[str]:
    """The lock directive; `fil` is the fingerprint file relative to the main file."""
    return [f'{end} custom "{LOCK}" "{start}" "{end}"', f'  fil: "{fil}"']


PIPELINE = 'plugin "namndbok.plugins.namndbok"'  # runs the lock check as one of its stages


def with_lock_lines(main_text: str, include: str) -> str:
    """The main file with namndbok.plugins.las (before the plugins that add entries; not when
    namndbok.plugins.namndbok runs it) and `include`."""
    if PLUGIN not in main_text and PIPELINE not in main_text:
        first = main_text.find("\nplugin ")
        if first >= 0:
            main_text = main_text[: first + 1] + PLUGIN + "\n" + main_text[first + 1:]
        else:
            main_text = main_text.rstrip("\n") + "\n" + PLUGIN + "\n"
    if include not in main_text:
        main_text = main_text.rstrip("\n") + "\n" + include + "\n"
    return main_text


def lock_file_path(entry, base: Path) -> Path:
    """The fingerprint file a lock directive names (`fil:`, from the main file's folder)."""
    return base / entry.meta["fil"]


def lock_directives(entries) -> list:
    return [entry for entry in entries if isinstance(entry, data.Custom) and entry.type == LOCK]


def parse_locks(entries, base: Path) -> tuple[list[Lock], list]:
    locks, errors = [], []
    for entry in lock_directives(entries):
        try:
            start, end = (datetime.date.fromisoformat(v.value) for v in entry.values)
            path = lock_file_path(entry, base)
        except (ValueError, KeyError, TypeError):
            errors.append(LedgerInputError(entry.meta, 'Ett lås skrivs: DATUM custom "las" "FRÅN" "TILL" med fil: (fingeravtrycken). Skapa det med `namndbok bokslut` eller `namndbok period-close ÅÅÅÅ-MM --las`.', entry))
            continue
        if load_inputs.stamp(path) is None:
            errors.append(LockBreach(entry.meta, f"Låsets fil {path} saknas; den skrivs av `namndbok bokslut` eller `namndbok period-close --las`. Utan den kan perioden inte skyddas.", entry))
            continue
        try:
            with open(path, "rb"):  # read by check_locks: one error here, not a plugin's traceback
                pass
        except OSError as err:
            errors.append(LedgerInputError(entry.meta, f"Låsets fil {path} kan inte läsas ({os_reason(err)}). Ge den användare "
                                           "som kör Nämndbok läsrätt till filen (t.ex. chmod a+r).", entry))
            continue
        locks.append(Lock(start, end, path, entry.meta, base))
    return locks, errors


_hashes: dict[tuple, str | None] = {}


def _current_hash(name: str) -> str | None:
    """The file's SHA-256, remembered per version (`fileio.file_stamp`) so that a load
    hashes each file once."""
    stamp = load_inputs.stamp(name)
    if stamp is None:
        return None
    key = (name, stamp)
    if key not in _hashes:
        if len(_hashes) > 4096:  # a long-running Fava: forget old file versions
            _hashes.clear()
        _hashes[key] = _file_hash(name)
    return _hashes[key]


def check_locks(entries, locks: list[Lock]) -> list:
    """Errors for what a locked period no longer holds as at its close: an entry the
    lock does not know (at the entry's line, once per entry), and entries that are
    gone (at the lock's line, with their count)."""
    if not locks:
        return []
    known = [(lock, read_lock_file(lock.path)) for lock in sorted(locks, key=lambda lock: (lock.end, lock.start))]
    unchanged: dict[tuple[int, str], bool] = {}  # (lock, file from the main file) → same content as at the close

    def file_closed(index: int, relative: str | None, name: str) -> bool:
        key = (index, relative)
        if key not in unchanged:
            files = known[index][1].files
            unchanged[key] = relative in files and files[relative] == _current_hash(name)
        return unchanged[key]

    def as_closed(index: int, lock: Lock, name: str) -> bool:
        return file_closed(index, _relative(name, lock.base), name)

    # Looked up once per date and once per file: which locks cover a date, and under
    # which locks a file is byte for byte as it was at the close (its entries were there).
    covering_date: dict[datetime.date, tuple[int, ...]] = {}
    closed_under: dict[object, frozenset[int]] = {}
    # per lock: what its changed, new and outside files hold now, file by file
    held: list[dict[str | None, Counter]] = [{} for _ in known]

    errors = []
    for entry in entries:
        date = entry.date
        covering = covering_date.get(date)
        if covering is None:
            covering = covering_date[date] = tuple(
                index for index, (lock, _) in enumerate(known) if lock.start <= date <= lock.end)
        if not covering:
            continue
        meta = entry.meta
        name = meta.get("filename")
        closed = closed_under.get(name)
        if closed is None:
            closed = closed_under[name] = frozenset(
                index for index, (lock, _) in enumerate(known) if isinstance(name, str) and as_closed(index, lock, name))
        if closed.issuperset(covering):
            continue  # the common case: its file is as it was at the close of every lock that covers it
        if not is_locked_kind(entry):
            continue
        open_locks = [index for index in covering if index not in closed]
        mark = fingerprint(entry)
        for index in open_locks:
            held[index].setdefault(_relative(name, known[index][0].base), Counter())[mark] += 1
        # A correction marker changes nothing here: a locked entry is as at the close, or refused.
        lock = next((known[index][0] for index in open_locks if mark not in known[index][1].prints), None)
        if lock is not None:
            marked = (f" En {MARKER}: på posten gör inte ändringen tillåten." if MARKER in meta else "")
            errors.append(LockBreach(meta, (
                f"Perioden {lock.start} – {lock.end} är stängd ({lock.meta.get('filename')}:{lock.meta.get('lineno')}), "
                "och den här posten fanns inte där vid stängningen (eller har ändrats sedan). Ta bort ändringen; "
                f"en rättelse görs som en ny post daterad efter {lock.end} (i en öppen period) med "
                f'{MARKER}: "beslutsreferens", t.ex. {MARKER}: "KS 2026-05-02 §50".' + marked), entry))
    for index, (lock, lock_file) in enumerate(known):
        errors += _gone(lock, lock_file, held[index], lambda relative, i=index, base=lock.base: file_closed(i, relative, str(base / relative)))
    return errors


def _gone(lock: Lock, lock_file: LockFile, now: dict[str | None, Counter], closed) -> list:
    """An error at the lock when entries it held are gone. What a changed (or missing)
    file held at the close must still be in the period: in that file, or moved to
    another changed or new one (`now`: what those files hold now, file by file). In a
    file, an entry that is not at the close either (changed in place, reported at its
    own line; or a referenced correction) explains one that is missing there; a
    correction in one file does not explain an entry gone from another."""
    if not lock_file.loose and all(closed(relative) for relative in lock_file.files):
        return []  # every file as at the close: nothing can be gone (no fingerprint read)
    if lock_file.by_file is None:
        return []  # a lock file of the first format: no fingerprints per file
    changed = [relative for relative in lock_file.by_file if relative is None or not closed(relative)]
    then_all: Counter = sum((lock_file.by_file[relative] for relative in changed), Counter())
    now_all: Counter = sum(now.values(), Counter())
    lost = {relative: lock_file.by_file[relative] - now_all for relative in changed}
    gone_in = {relative: sum(count.values()) - sum((now.get(relative, Counter()) - then_all).values())
               for relative, count in lost.items()}
    gone_in = {relative: n for relative, n in gone_in.items() if n > 0}
    gone = sum(gone_in.values())
    if not gone:
        return []
    where = ", ".join(relative or "filer utanför liggarens mapp" for relative in gone_in)
    one = gone == 1
    return [LockBreach(lock.meta, (
        f"Perioden {lock.start} – {lock.end} är stängd, men {gone} {'post' if one else 'poster'} som fanns där vid "
        f"stängningen saknas nu ({where}). Lägg tillbaka {'den' if one else 'dem'}; "
        f'en rättelse görs som en ny post i en öppen period med korrigering: "beslutsreferens", inte genom att ta bort {"den gamla" if one else "de gamla"}.'),
        None)]


PLACEHOLDERS = {"todo", "xxx", "saknas", "ingen", "okänd", "beslut", "beslutsreferens", "referens", "ärende"}


def is_reference(value) -> bool:
    """A decision's reference: text with a letter and a digit that is not a placeholder
    ("KS 2026-05-02 §50"; not "", "-", "?", "TODO")."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return (any(c.isalpha() for c in text) and any(c.isdigit() for c in text)
            and text.lower().strip(" .:-") not in PLACEHOLDERS)


def check_corrections(entries) -> list:
    """Errors for a correction marker without a real reference to the decision."""
    errors = []
    for entry in entries:
        meta = entry.meta
        if meta and MARKER in meta and not is_reference(meta[MARKER]):
            errors.append(LedgerInputError(meta, (
                f'{MARKER}: ska ange beslutet eller ärendet som rättelsen bygger på, som text med '
                f'organ, datum och paragraf, t.ex. {MARKER}: "KS 2026-05-02 §50" (inte tomt, "-" eller en platshållare).'), entry))
    return errors
