"""The import's changes per month and verksamhet as a table: rich on a terminal, plain text otherwise."""

from __future__ import annotations

import click

from namndbok.importers.changes import MonthChange
from namndbok.swedish import format_number
from namndbok.scripts.tables import aligned

HEADER = ["Månad", "Verksamhet", "Före", "Efter", "Ändring", "Konton"]
BALANCE = "(balansräkning)"


def rows(changes: list[MonthChange]) -> list[list[str]]:
    return [[c.month, c.verksamhet or BALANCE, format_number(c.before, 2), format_number(c.after, 2),
             format_number(c.difference, 2), str(c.accounts)] for c in changes]


def rebooked_months(changes: list[MonthChange]) -> list[str]:
    """Months the ledger already holds from this kalla that the import changes."""
    return sorted({c.month for c in changes if c.before != 0})


def print_changes(changes: list[MonthChange], dry_run: bool) -> None:
    """The table of changes, with the months already booked that change named above it."""
    from rich.console import Console
    from rich.table import Table

    if not changes:
        return
    rebooked = rebooked_months(changes)
    if rebooked:
        verb = "skulle ändras" if dry_run else "ändrades"
        click.echo(f"Redan bokförda månader som {verb}: {', '.join(rebooked)} (före och efter i tabellen).")
    title = f"{'Skulle ändras' if dry_run else 'Ändrat'} per månad och verksamhet, kr (debet positivt)"
    console = Console()
    if not console.is_terminal:
        click.echo(title + "\n" + aligned([HEADER, *rows(changes)]))
        return
    table = Table(title=title, title_justify="left")
    for index, name in enumerate(HEADER):
        table.add_column(name, justify="left" if index < 2 else "right")
    for cells in rows(changes):
        table.add_row(*cells)
    console.print(table)
