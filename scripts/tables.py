"""Terminal tables shared by the CLI commands (rich)."""

from __future__ import annotations

from namndbok.swedish import format_amount


def print_year_table(table, title: str, unit: str = "mnkr", decimals: int = 1) -> None:
    """A table with a column per year or case (e.g. the eget kapital roll-forward)."""
    from rich.console import Console
    from rich.table import Table as RichTable

    rich_table = RichTable(title=title, title_justify="left")
    rich_table.add_column("")
    for column in table.columns:
        rich_table.add_column(column, justify="right")
    last = len(table.rows) - 1
    for index, (label, values) in enumerate(table.rows):
        style = "bold" if index in (0, last) else None
        rich_table.add_row(label, *(format_amount(v, unit, decimals) for v in values), style=style)
    Console().print(rich_table)


def aligned(rows: list[list[str]]) -> str:
    """Rows of cells as text columns: the first left-aligned, the others (numbers) right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)).rstrip()
                     for row in rows)
