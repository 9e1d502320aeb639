"""`namndbok import`: the import pipeline with progress and a Swedish summary."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import click

from namndbok.importers.model import SourceError
from namndbok.fileio import shown
from namndbok.swedish import format_number
from namndbok.scripts.import_changes import print_changes, rebooked_months


def readers():
    from namndbok.importers.huvudbok.importer import read_huvudbok_export
    from namndbok.importers.sie.importer import read_sie

    return {"sie": read_sie, "huvudbok": read_huvudbok_export}


def detect(export: Path) -> str:
    from namndbok.importers.sie.importer import SieImporter

    if SieImporter("").identify(str(export)):
        return "sie"
    if export.suffix.lower() in (".csv", ".txt", ".xlsx"):
        return "huvudbok"
    raise click.ClickException(f"{export}: formatet känns inte igen; ange --format sie eller --format huvudbok.")


def run(export: Path, ledger: Path, kind: str | None, mode: str, dry_run: bool, accept_bad_checksum: bool = False,
        accept_fiscal_year: bool = False) -> None:
    from rich.console import Console

    from namndbok.importers.run import run_import

    if not export.is_file():
        raise click.ClickException(f"Hittar inte filen {export}.")
    kind = kind or detect(export)
    read = readers()[kind]
    allowed = {"accept_bad_checksum": ("--godta-fel-ksumma", "#KSUMMA", accept_bad_checksum),
               "accept_fiscal_year": ("--brutet-rakenskapsar", "#RAR", accept_fiscal_year)}
    for keyword, (flag, label, given) in allowed.items():
        if given:
            if kind != "sie":
                raise click.ClickException(f"{flag} gäller bara SIE-filer ({label}).")
            read = partial(read, **{keyword: True})
    console = Console(stderr=True)
    with console.status("Importerar …") as status:
        try:
            result = run_import(ledger, read, kind, export, mode, dry_run, progress=status.update)
        except SourceError as err:
            raise click.ClickException(str(err)) from None
    entries = result.plan.entries
    for warning in result.warnings:
        click.secho(f"Varning: {warning}", fg="yellow", err=True)
    click.echo(f"Läste {format_number(result.rows, 0)} rader ur {export.name} (källa {result.source.id}, läge {mode}).")
    for line in result.reading:  # what was proven against the file's own figures, and how it was read
        click.echo(line)
    if not entries:
        click.echo("Inget nytt: allt i exporten finns redan i liggaren.")
        return
    verb = "Skulle lägga till" if dry_run else "Lade till"
    click.echo(f"{verb} {format_number(len(entries), 0)} {'post' if len(entries) == 1 else 'poster'}"
               + (f"; {format_number(result.plan.skipped, 0)} fanns redan." if result.plan.skipped else "."))
    if dry_run or rebooked_months(result.plan.changes):
        print_changes(result.plan.changes, dry_run)
    for path in result.written:
        click.echo(f"  {shown(path)}")
