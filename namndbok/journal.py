"""The originals of the files a command changes, journaled so that a command killed
in the middle (kill -9, a power cut) is undone by the next one.

A writing command (import, bokslut, a period lock) keeps each file's original
text before it touches the file: in memory, to put back when its check fails,
and in a journal directory beside the main file (`.namndbok-avbruten/`), each
record written atomically before the file is changed. When the command is done
the journal goes. The next command that takes the ledger's lock
(`namndbok.writer_lock`) calls `recover`, which puts the originals of a journal
it finds back — unless the command that wrote it is still running (its process
id, on this machine), which is then an error. Writers use
`namndbok.writer_lock.journaled`, which holds the lock.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
from pathlib import Path
from typing import NamedTuple

from namndbok.fileio import atomic_write_bytes, atomic_write_text

JOURNAL = ".namndbok-avbruten"
OLD_JOURNALS = (".namndbok-avbruten-import",)  # the name before bokslut and locks used it
COMMAND_RECORD = "kommando.json"


class BusyError(Exception):
    """Another command is writing to the ledger right now (Swedish, for the user)."""


class Recovered(NamedTuple):
    command: str
    paths: list[Path]


class Originals(dict):
    """The texts files had before a change (None: the file did not exist), to put back.

    With a `journal` directory, each original is also written there (atomically,
    before the file is touched), so that a command killed in the middle is undone
    by `recover` at the next command; `done` removes the journal."""

    def __init__(self, journal: Path | None = None, command: str = "") -> None:
        super().__init__()
        self.journal = journal
        self.command = command

    def keep(self, path: Path) -> str | None:
        if path not in self:
            if self.journal is not None and not self:
                record = {"kommando": self.command, "pid": os.getpid(), "dator": socket.gethostname(),
                          "start": process_start(os.getpid())}
                atomic_write_text(self.journal / COMMAND_RECORD, json.dumps(record, ensure_ascii=False))
            self[path] = _original(path)
            if self.journal is not None:
                original = self[path]
                record = ({"fil": str(path.resolve()), "bytes": base64.b64encode(original).decode("ascii")}
                          if isinstance(original, bytes) else {"fil": str(path.resolve()), "text": original})
                atomic_write_text(self.journal / f"{len(self):06d}.json", json.dumps(record, ensure_ascii=False))
        return self[path]

    def write(self, path: Path, content: str | bytes) -> bool:
        """Keep the original, then write `content` atomically; False when it was already so."""
        self.keep(path)
        return (atomic_write_bytes if isinstance(content, bytes) else atomic_write_text)(path, content)

    def put_back(self) -> None:
        """Write every original back (the journal stays until `done`)."""
        for path, original in self.items():
            if original is None:
                path.unlink(missing_ok=True)
            else:
                (atomic_write_bytes if isinstance(original, bytes) else atomic_write_text)(path, original)

    def restore(self) -> None:
        self.put_back()
        self.done()

    def done(self) -> None:
        if self.journal is not None:
            shutil.rmtree(self.journal, ignore_errors=True)


def _original(path: Path) -> str | bytes | None:
    """A file's text (its bytes when it is not UTF-8, e.g. a SIE export); None when it does not exist."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def journal_for(ledger: Path) -> Path:
    return ledger.parent / JOURNAL


def recover(ledger: Path) -> Recovered | None:
    """Undo a command that was interrupted before it finished; None when there was none."""
    recovered = None
    for journal in (journal_for(ledger), *(ledger.parent / name for name in OLD_JOURNALS)):
        if journal.is_dir():
            recovered = _recover(journal) or recovered
    return recovered


def _recover(journal: Path) -> Recovered | None:
    command = _read(journal / COMMAND_RECORD) or {}
    if _running(command):
        raise BusyError(f"`{command.get('kommando') or 'namndbok'}` (process {command['pid']}) skriver i liggaren just nu "
                        f"({journal}). Vänta tills det är klart och kör sedan igen.")
    originals = Originals(journal)
    for record in sorted(journal.glob("[0-9]*.json")):
        entry = _read(record)
        if entry is not None:  # a record cut off mid-write belongs to a file not yet touched
            originals[Path(entry["fil"])] = base64.b64decode(entry["bytes"]) if "bytes" in entry else entry["text"]
    originals.restore()
    return Recovered(command.get("kommando") or "namndbok import", sorted(originals))


def _read(record: Path) -> dict | None:
    try:
        return json.loads(record.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return None


def _running(command: dict) -> bool:
    """Whether the command that wrote the journal still runs: its process exists and,
    where the journal has its start time, started then (a pid is reused by the system)."""
    pid = command.get("pid")
    if not isinstance(pid, int) or pid == os.getpid() or command.get("dator") != socket.gethostname():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    started = command.get("start")
    return not isinstance(started, int) or process_start(pid) in (None, started)


def process_start(pid: int) -> int | None:
    """When the process started (clock ticks since boot, from /proc/PID/stat: the 22nd
    field, counted after the command name in parentheses); None where there is no /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        return int(stat.rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None
