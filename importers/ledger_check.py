"""The ledger around an import: without faults before it, without new ones after it.

Every import (SIE, huvudbok, budget workbook, volume list) loads the ledger before
it writes (`load_before_change`: not a kept load, which would be stale at once) and
refuses a ledger that already has faults, so that the check after the write
(`refuse_new_faults`, on a fresh load) sees only what the import did; the writer
then puts every file back (`namndbok.journal`).
"""

from __future__ import annotations

from pathlib import Path

from namndbok.importers.model import SourceError
from namndbok.ledgerdata import NO_KONTOPLAN
from namndbok.loading import faults, faults_message, load, where


def load_before_change(ledger: Path):
    """(entries, errors, options) of `ledger`, refused while it has faults of its own."""
    entries, errors, options = load(ledger, keep=False)
    wrong = faults(errors)
    if wrong:
        raise SourceError(str(ledger), 0, faults_message(wrong, ledger))
    return entries, errors, options


def first_kontoplan(ledgerdata, ledger: Path):
    """The ledger's (first) kontoplan; refused in Swedish when the ledger has none."""
    if not ledgerdata.kontoplaner:
        raise SourceError(str(ledger), 0, NO_KONTOPLAN.format("importen"))
    return next(iter(ledgerdata.kontoplaner.values()))


def refuse_new_faults(loaded, source: str, what: str = "Importen") -> None:
    """Raise when the ledger as written (`loaded`, a fresh load) has faults: it had none before."""
    new = faults(loaded[1])
    if new:
        raise SourceError(source, 0, f"{what} skrevs inte: efter den fick liggaren fel ({where(new[-1])}: "
                                     f"{new[-1].message}). Liggaren är som före {what.lower()}.")
