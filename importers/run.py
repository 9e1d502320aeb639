"""One import, start to end: read the export, map it, plan it, write it (or not).

Used by `namndbok import` and by the beangulp importers, so both behave alike.
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Callable, NamedTuple

from namndbok.collector import collector_paused
from namndbok.fileio import absolute, os_reason
from namndbok.importers.ledger_check import first_kontoplan, load_before_change
from namndbok.importers.config import SourceConfig, load_import_config
from namndbok.importers.convert import Source, map_rows
from namndbok.importers.model import SourceError, SourceRow
from namndbok.importers.writer import AGGREGATED, DETAILED, ImportPlan, plan_import, write_import
from namndbok.load_reading import reading_of
from namndbok.swedish import format_number
from namndbok.writer_lock import writing

MODES = (AGGREGATED, DETAILED)


class Reading(NamedTuple):
    """What a reader made of an export.

    A reader is called as read(data, path, config, summed). With summed=True (a
    summerad import) it may hand back its rows already summed per konto, objects
    and month (each row's `count` says how many export rows it sums, its `line`
    is the first of them): the aggregated entries, the refusals and their line
    numbers come out the same, and a million rows need not be held one by one.
    """

    source: Source
    rows: list[SourceRow]
    warnings: list[str] = []  # harmless faults in the export, shown to the user
    reading: list[str] = []  # what the import proved against the file's own figures and how it read it, shown to the user

    def row_count(self) -> int:
        """How many rows the export has."""
        return sum(row.count for row in self.rows)


class ImportResult(NamedTuple):
    source: Source
    rows: int
    plan: ImportPlan
    written: list[Path]
    warnings: list[str]
    reading: list[str] = []  # Reading.reading


def run_import(
    ledger: Path,
    read: Callable[[bytes, str, SourceConfig, bool], Reading],
    kind: str,
    export: Path,
    mode: str = AGGREGATED,
    dry_run: bool = False,
    progress: Callable[[str], None] = lambda text: None,
) -> ImportResult:
    ledger = absolute(ledger)  # Beancount names the files it read by their absolute paths
    if mode not in MODES:
        raise SourceError(str(export), 0, f"Okänt läge '{mode}'; välj {' eller '.join(MODES)}.")
    try:
        data = export.read_bytes()
    except OSError as err:
        raise SourceError(str(export), 0, f"Filen kan inte läsas ({os_reason(err)}).") from None
    # A dry run only reads (under the load's shared lock); an import holds the write lock from
    # before it reads the ledger until it has verified what it wrote.
    with writing(ledger, "namndbok import") if not dry_run else nullcontext(), collector_paused():
        entries, errors, options = load_before_change(ledger)
        ledgerdata = reading_of(entries, options)
        config = load_import_config(ledger.parent)
        plan = _kontoplan(ledgerdata, config.namnd, ledger)
        source_config = config.sie if kind == "sie" else config.huvudbok

        progress(f"Läser {export.name} ({format_number(len(data) / 1e6)} MB) …")
        reading = read(data, str(export), source_config, mode == AGGREGATED)
        rows = reading.row_count()
        progress(f"{format_number(rows, 0)} rader; kontrollerar koderna mot kontoplanen …")
        mapped = map_rows(reading.rows, reading.source, source_config, plan, ledgerdata.roots)
        import_plan = plan_import(mapped, reading.source, plan, ledgerdata.roots, ledgerdata.currency, mode, entries)
        written = []
        if not dry_run and import_plan.entries:
            progress(f"Skriver {format_number(len(import_plan.entries), 0)} poster …")
            written = write_import(ledger, import_plan, reading.source, ledgerdata.roots)
        return ImportResult(reading.source, rows, import_plan, written, reading.warnings, reading.reading)


def _kontoplan(ledgerdata, namnd: str | None, ledger: Path):
    first = first_kontoplan(ledgerdata, ledger)  # refuses a ledger without one
    plans = ledgerdata.kontoplaner
    if namnd is None:
        if len(plans) > 1:
            raise SourceError(str(ledger), 0, f"Liggaren har flera nämnder ({', '.join(plans)}); ange namnd = \"…\" i import.toml.")
        return first
    if namnd not in plans:
        raise SourceError(str(ledger), 0, f"Nämnden {namnd} i import.toml har ingen kontoplan i liggaren.")
    return plans[namnd]
