"""`namndbok rapport`: a layout's table to the terminal, or as a file (namndbok.export.report_files)."""

from __future__ import annotations

from pathlib import Path

from namndbok.export.report_files import to_csv, to_markdown, to_xlsx
from namndbok.report import Report, cells

FORMATS = ("terminal", "markdown", "csv", "xlsx")


def print_terminal(report: Report) -> None:
    from rich.console import Console
    from rich.table import Table as RichTable

    table = RichTable(title=f"{report.layout.namn} per {report.date}", title_justify="left")
    for index, text in enumerate(report.headers):
        table.add_column(text, justify="left" if index == 0 else "right")
    for row, printed in zip(report.rows, cells(report)):
        table.add_row(*printed, style="bold" if row.bold else None)
    Console().print(table)


def write(report: Report, fmt: str, target: Path | None) -> str | None:
    """Print or write the report; returns the text for terminal-bound formats."""
    from namndbok.fileio import atomic_write_bytes, atomic_write_text

    if fmt == "terminal":
        print_terminal(report)
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
