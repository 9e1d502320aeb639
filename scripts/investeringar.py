"""`namndbok investeringar`: utgifter, inkomster and netto of the investments (namndbok.investeringar) as a table."""

from __future__ import annotations

import datetime

from namndbok.investeringar import InvestmentRow
from namndbok.scripts.tables import TextTable
from namndbok.swedish import format_amount

MEASURES = ("budget_helar", "utfall", "prognos", "avvikelse_helar")


def headers(date: datetime.date) -> list[str]:
    return ["", f"Budget {date.year}", f"Utfall t.o.m. {date}", f"Prognos {date.year}", "Avvikelse helår"]


def text_table(rows: list[InvestmentRow], date: datetime.date, title: str, unit: str = "mnkr", decimals: int = 1) -> TextTable:
    """A row each for utgifter, inkomster and netto (bold)."""
    cells = [[row.label, *(format_amount(getattr(row.measures, m) if row.measures else None, unit, decimals) for m in MEASURES)]
             for row in rows]
    return TextTable(title, headers(date), cells, bold=frozenset({len(cells) - 1}))
