"""What every reader of a finance-system export hands to the import writer.

Readers (SIE 4, huvudbok CSV/XLSX) are pure: a file's bytes in, `SourceRow`s and
`ControlTotal`s out, or a `SourceError` naming the file, line and problem in
Swedish. The writer (`namndbok.importers.writer`) turns rows into ledger entries.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import NamedTuple


class SourceRow(NamedTuple):
    """One transaction row of an export, debit positive (as SIE and BAS have it)."""

    date: datetime.date
    konto: str  # the account number as in the source, e.g. "4610"
    objekt: tuple[tuple[str, str], ...]  # (dimension, object) pairs, e.g. (("1", "5731"), ("20", "2200"))
    amount: Decimal  # debit positive, credit negative
    text: str  # transaction text (or the voucher's text)
    ver: str | None  # voucher identity within the source, e.g. "A 12" (series and number)
    line: int  # 1-based line in the source file (row number for XLSX)
    quantity: Decimal | None = None
    count: int = 1  # how many rows of the export this row sums (a reader asked for summed rows, see namndbok.importers.run)


class ControlTotal(NamedTuple):
    """A total the source states about itself, to prove nothing was lost."""

    konto: str
    period: str  # "2025" for a year (#UB/#RES of year 0), "202503" for a month (#PSALDO)
    amount: Decimal  # debit positive
    objekt: tuple[tuple[str, str], ...] = ()
    label: str = ""  # where it comes from, e.g. "#RES 0" or "#PSALDO 0 202503"
    line: int = 0


class SourceError(Exception):
    """An export that cannot be read; str() is `fil:rad: meddelande` (Swedish)."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")
        self.path, self.line, self.message = path, line, message
