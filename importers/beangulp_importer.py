"""Our imports as beangulp importers, for beangulp's own commands.

    NAMNDBOK_LIGGARE=ledgers/exempel/socialnamnden.beancount python -m namndbok.importers extract FIL
    NAMNDBOK_LIGGARE=… python -m namndbok.importers identify MAPP

`extract` runs the same pipeline as `namndbok import --torrkorning` and prints
the entries it would add: deduplication is by `importid`, not by similarity.
"""

from __future__ import annotations

from pathlib import Path

import beangulp
from beancount.core import data

from namndbok.importers.run import run_import
from namndbok.importers.writer import AGGREGATED


class LedgerImporter(beangulp.Importer):
    """An import into one committee ledger; subclasses say how to read and recognise a file."""

    kind = ""
    read = None  # (bytes, path, SourceConfig, summed) -> Reading

    def __init__(self, ledger: str | Path, mode: str = AGGREGATED) -> None:
        self.ledger = Path(ledger)
        self.mode = mode

    @property
    def name(self) -> str:
        return f"namndbok.{self.kind}"

    def account(self, filepath: str) -> data.Account:
        """The account the document is filed under: the nämnd's avräkning."""
        from namndbok.accounts import KIND_TILLGANG, Roots, balance_account
        from namndbok.kontoplan import load_kontoplaner

        plan = next(iter(load_kontoplaner(self.ledger.parent, None).values()))
        return balance_account(Roots(), KIND_TILLGANG, plan.namnd, plan.avrakningskonto or "1690")

    def filename(self, filepath: str):
        return f"{self.kind}-{Path(filepath).name}"

    def extract(self, filepath: str, existing: data.Entries) -> data.Entries:
        result = run_import(self.ledger, type(self).read, self.kind, Path(filepath), self.mode, dry_run=True)
        return list(result.plan.entries)

    def deduplicate(self, entries: data.Entries, existing: data.Entries) -> None:
        """Duplicates are known by `importid`, not guessed by similarity."""
        have = {e.meta.get("importid") for e in existing if isinstance(e, data.Transaction)}
        for entry in entries:
            if entry.meta.get("importid") in have:
                entry.meta["__duplicate__"] = True
