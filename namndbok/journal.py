"""The originals of the files a command changes, journaled so that a command killed
in the middle (kill -9, a power cut) is undone by the next one.

A writing command (import, bokslut, a period lock) keeps each file's original
text before it touches the file: in memory, to put back when its check fails,
and in a journal directory beside the main file (`.namndbok-avbruten/`), each
record written atomically before the file is changed. When the command is done
the journal goes. Every `namndbok` command first calls `recover`, which puts the
originals of a journal it finds back — unless the command that wrote it is still
running (its process id, on this machine), which is then an error.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from namndbok.fileio import atomic_write_text

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
            self[path] = path.read_text(encoding="utf-8") if path.exists() else None
            if self.journal is not None:
                record = {"fil": str(path.resolve()), "text": self[path]}
                atomic_write_text(self.journal / f"{len(self):06d}.json", json.dumps(record, ensure_ascii=False))
        return self[path]

    def write(self, path: Path, text: str) -> bool:
        """Keep the original, then write `text` atomically; False when it was already so."""
        self.keep(path)
        return atomic_write_text(path, text)

    def restore(self) -> None:
        for path, text in self.items():
            if text is None:
                path.unlink(missing_ok=True)
            else:
                atomic_write_text(path, text)
        self.done()

    def done(self) -> None:
        if self.journal is not None:
            shutil.rmtree(self.journal, ignore_errors=True)


def journal_for(ledger: Path) -> Path:
    return ledger.parent / JOURNAL


@contextmanager
def journaled(ledger: Path, command: str):
    """Originals journaled beside `ledger`: put back if the block raises (or the process dies), else dropped."""
    originals = Originals(journal_for(ledger), command)
    try:
        yield originals
    except BaseException:
        originals.restore()
        raise
    originals.done()


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
            originals[Path(entry["fil"])] = entry["text"]
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
