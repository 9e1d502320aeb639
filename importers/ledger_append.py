"""Append text to one ledger file of a kind (budget, volymer), atomically, and check the result.

Shared by the budget workbook and volume list imports: the file gets the
root-name header when it is new, the main file gets the kind's include line
when it lacks it, and if the ledger does not load without new errors
afterwards every file is put back as it was.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from importers.model import SourceError
from namndbok.accounts import Roots
from namndbok.fileio import atomic_write_text
from namndbok.ledgerfile import canonical, root_option_lines
from namndbok.loading import load


def faults(errors) -> list:
    return [e for e in errors if not e.message.startswith("Varning:")]


JOURNAL = ".namndbok-avbruten-import"


class Originals(dict):
    """The texts files had before a change (None: the file did not exist), to put back.

    With a `journal` directory, each original is also written there (atomically,
    before the file is touched), so that an import killed in the middle (kill -9,
    a power cut) is undone by `recover` at the next command; `done` removes it."""

    def __init__(self, journal: Path | None = None) -> None:
        super().__init__()
        self.journal = journal

    def keep(self, path: Path) -> str | None:
        if path not in self:
            self[path] = path.read_text(encoding="utf-8") if path.exists() else None
            if self.journal is not None:
                record = {"fil": str(path.resolve()), "text": self[path]}
                atomic_write_text(self.journal / f"{len(self):06d}.json", json.dumps(record, ensure_ascii=False))
        return self[path]

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


def recover(ledger: Path) -> list[Path]:
    """Undo an import that was interrupted before it finished; the files put back."""
    journal = journal_for(ledger)
    if not journal.is_dir():
        return []
    originals = Originals(journal)
    for record in sorted(journal.glob("*.json")):
        try:
            entry = json.loads(record.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            continue  # a record cut off mid-write belongs to a file not yet touched
        originals[Path(entry["fil"])] = entry["text"]
    originals.restore()
    return sorted(originals)


def append_and_check(ledger: Path, target: Path, title: str, block: str, roots: Roots, include: str, source: str, faults_before: int):
    """Append `block` to `target`; return the reloaded ledger (entries, errors, options)."""
    originals = Originals(journal_for(ledger))
    try:
        head = originals.keep(target)
        if head is None:
            head = "\n".join([f"; {title}", *root_option_lines(roots)]) + "\n"
        atomic_write_text(target, canonical(head.rstrip("\n") + "\n\n" + block.rstrip("\n") + "\n"))
        main_text = originals.keep(ledger)
        if include not in main_text:
            atomic_write_text(ledger, main_text.rstrip("\n") + "\n" + include + "\n")
        loaded = load(ledger)
        new = faults(loaded[1])
        if len(new) > faults_before:
            first = new[-1]
            raise SourceError(source, 0, f"Inget skrevs: liggaren läste inte rent efteråt ({first.source.get('filename')}:{first.source.get('lineno')}: {first.message}).")
        originals.done()
        return loaded
    except BaseException:
        originals.restore()
        raise
