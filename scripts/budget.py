"""`namndbok budget ram`: the ramberäkning (namndbok.ramberakning) as a table, or as XLSX."""

from __future__ import annotations

import datetime
from pathlib import Path

from namndbok.ramberakning import RamTable, cells
from namndbok.scripts.tables import TextTable


def text_table(table: RamTable, title: str, unit: str, decimals: int, old: RamTable | None = None) -> TextTable:
    """A column per year (and with `old`, the difference per year); Ram året före and the sums bold."""
    headers, rows = cells(table, unit, decimals, old)
    bold = frozenset(index for index, row in enumerate(table.rows) if row.bold)
    return TextTable(title, headers, rows, bold=bold)


def xlsx_bytes(table: RamTable, title: str, unit: str, decimals: int, old: RamTable | None = None) -> bytes:
    """The same table as XLSX: numbers in `unit` that Excel can sum."""
    from namndbok.export.report_files import table_xlsx
    from namndbok.ramberakning import differences

    headers, _ = cells(table, unit, decimals, old)
    diffs = differences(table, old) if old is not None else {}
    rows = [(row.label, [*row.values, *diffs.get(row.label, ())], row.bold) for row in table.rows]
    return table_xlsx(title, headers, rows, unit, decimals, datetime.date(table.years[0], 1, 1))


def write_xlsx(target: Path | None, data: bytes) -> None:
    from namndbok.fileio import atomic_write_bytes

    if target is None:
        raise ValueError("XLSX behöver --ut FIL.xlsx.")
    atomic_write_bytes(target, data)
