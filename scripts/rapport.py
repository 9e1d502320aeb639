"""`namndbok rapport`: a layout's table in the terminal, or as a file (namndbok.export.report_files)."""

from __future__ import annotations

from pathlib import Path

from namndbok.export.report_files import to_csv, to_markdown, to_xlsx
from namndbok.report import Report, cells

FORMATS = ("terminal", "markdown", "csv", "xlsx")


def text_table(report: Report):
    from namndbok.scripts.tables import TextTable

    bold = frozenset(index for index, row in enumerate(report.rows) if row.bold)
    return TextTable(f"{report.layout.namn} per {report.date}", report.headers, cells(report), bold=bold)


def write(report: Report, fmt: str, target: Path | None) -> str | None:
    """Print or write the report; returns the text for terminal-bound formats."""
    from namndbok.fileio import atomic_write_bytes, atomic_write_text

    if fmt == "terminal":
        from namndbok.scripts.tables import show

        show(text_table(report))
        return None
    if fmt == "xlsx":
        if target is None:
            raise ValueError("XLSX behöver --ut FIL.xlsx.")
        atomic_write_bytes(target, to_xlsx(report))
        return None
    text = to_markdown(report) if fmt == "markdown" else to_csv(report)
    if target is None:
        return text
    atomic_write_text(target, text)
    return None
