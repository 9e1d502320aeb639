"""`namndbok nyckeltal`: the nyckeltal table (tkr) in the terminal; files by namndbok.export.nyckeltal_files."""

from __future__ import annotations

from namndbok.export.nyckeltal_files import HEADERS, rows, to_csv, to_markdown  # noqa: F401  (the CLI's formats)


def print_terminal(results, title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for index, header in enumerate(HEADERS):
        table.add_column(header, justify="left" if index in (0, 1, 6) else "right")
    for row in rows(results):
        table.add_row(*row)
    Console().print(table)
