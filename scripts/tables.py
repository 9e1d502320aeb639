"""Tables the CLI commands print: rich on a terminal, full-width plain text otherwise, or CSV / Markdown.

A table that goes to a file or a pipe (`namndbok uppfoljning > fil.txt`) is not
wrapped to 80 columns: every row stays on one line, columns aligned with spaces.
CSV is for Swedish Excel (`namndbok.export.csv_excel`, docs/rapporter.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import click

from namndbok.export.csv_excel import csv_text
from namndbok.swedish import format_amount

FORMATS = ("terminal", "csv", "markdown")

format_option = click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="terminal", show_default=True,
    help="terminal = en tabell (till en fil eller ett rör: ren text i full bredd, en rad per rad); "
         "csv = semikolon, decimalkomma och inga tusentalsmellanrum, som svenska Excel läser talen; "
         "markdown = en Markdown-tabell.")


def unit_options(command=None, *, unit: str | None = "mnkr", decimals: int = 1, unit_help: str = ""):
    """`--enhet kr|tkr|mnkr` and `--decimaler 0–2`, the same on every table command (`@unit_options`);
    `@unit_options(unit=None, decimals=0, unit_help=…)` for other defaults (None: the command chooses)."""
    def decorate(command):
        command = click.option("--decimaler", type=click.IntRange(0, 2), default=decimals, show_default=True,
                               help="Decimaler i beloppen.")(command)
        return click.option("--enhet", type=click.Choice(["kr", "tkr", "mnkr"]), default=unit, show_default=unit is not None,
                            help="Beloppens enhet: kronor, tusen kronor eller miljoner kronor." + unit_help)(command)

    return decorate(command) if command is not None else decorate


@dataclass(frozen=True)
class TextTable:
    """Printed cells: `right[i]` says whether column i is right-aligned (numbers); `bold`: row indexes."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    right: Sequence[bool] = ()
    bold: frozenset[int] = field(default_factory=frozenset)

    def alignment(self) -> list[bool]:
        return list(self.right) or [False] + [True] * (len(self.headers) - 1)


def aligned(rows: list[list[str]], right: Sequence[bool] | None = None) -> str:
    """Rows of cells as text columns, without trailing spaces: column i right-aligned when `right[i]`
    (by default the first left-aligned, the others, numbers, right-aligned)."""
    right = list(right) if right else [False] + [True] * (len(rows[0]) - 1)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.rjust(widths[i]) if right[i] else cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
                     for row in rows)


def markdown_text(table: TextTable) -> str:
    """The title in bold, then the table (bold rows' cells in bold), every text escaped."""
    from namndbok import markdown

    rows = [[f"**{c}**" if index in table.bold and c else c for c in row] for index, row in enumerate(table.rows)]
    lines = [f"**{markdown.text(table.title)}**", "", *markdown.table(table.headers, rows, table.alignment())]
    return "\n".join(lines) + "\n"


def plain_text(table: TextTable) -> str:
    """The title and the table as full-width plain text: one line per row, however wide."""
    return table.title + "\n" + aligned([list(table.headers), *map(list, table.rows)], table.alignment()) + "\n"


def print_rich(table: TextTable) -> None:
    from rich.console import Console
    from rich.table import Table as RichTable

    rich_table = RichTable(title=table.title, title_justify="left")
    for header, right in zip(table.headers, table.alignment()):
        rich_table.add_column(header, justify="right" if right else "left")
    for index, row in enumerate(table.rows):
        rich_table.add_row(*row, style="bold" if index in table.bold else None)
    Console().print(rich_table)


def show(table: TextTable, fmt: str = "terminal") -> None:
    """Print `table` in `fmt` (FORMATS): `terminal` is rich on a terminal, plain text to a file or pipe."""
    from rich.console import Console

    if fmt == "csv":
        click.echo(csv_text(table.headers, table.rows), nl=False)
    elif fmt == "markdown":
        click.echo(markdown_text(table), nl=False)
    elif Console().is_terminal:
        print_rich(table)
    else:
        click.echo(plain_text(table), nl=False)


def year_table(table, title: str, unit: str = "mnkr", decimals: int = 1) -> TextTable:
    """A table with a column per year or case (e.g. the eget kapital roll-forward), first and last rows bold."""
    rows = [[label, *(format_amount(v, unit, decimals) for v in values)] for label, values in table.rows]
    return TextTable(title, [unit.capitalize(), *table.columns], rows, bold=frozenset({0, len(rows) - 1}))
