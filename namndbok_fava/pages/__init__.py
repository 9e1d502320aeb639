"""The pages of the Nämndbok report: engine results turned into printed tables.

One module per page (`oversikt`, `budget`, `prognos`, `eget_kapital`, `nyckeltal`), each with
`page(ext, data, date, args) -> dict` (the template's `page.content`); this module
holds what they share (the page frame, cells, links, the cached engine tables).

Nothing here computes a measure: it asks the engine (and the report,
eget kapital and nyckeltal modules built on it) and prints with
`namndbok.swedish.format_measure` / `namndbok.swedish.format_amount`.
The templates only lay out the strings (autoescaped); the charts are data
for Fava's own chart component (`namndbok_fava.charts`), passed as JSON.
"""

from __future__ import annotations

import datetime
import os
from importlib import import_module
from pathlib import Path
from typing import Any, Mapping, NamedTuple

from namndbok.accounts import NETTO
from namndbok.engine import compute
from namndbok.swedish import MONTHS_SHORT, format_measure, month_name
from namndbok_fava.tone import look

DEFAULT_SIDA = "oversikt"
SIDOR = (
    ("oversikt", "Översikt"),
    ("budget", "Budgetuppföljning"),
    ("prognos", "Prognos"),
    ("eget-kapital", "Eget kapital"),
    ("nyckeltal", "Nyckeltal"),
)
class Cell(NamedTuple):
    text: str
    url: str | None = None
    tone: str | None = None  # "bra" or "dalig": an avvikelse coloured by the committee's sign convention
    note: str | None = None  # a comment shown with the cell (kommentar to an avvikelse)


class Table(NamedTuple):
    caption: str
    headers: tuple[str, ...]
    rows: list[tuple[list[Cell], bool]]  # cells, bold
    css_id: str = ""
    text_columns: int = 1  # how many leading columns are text (left-aligned); the rest are numbers


class Page(NamedTuple):
    sida: str
    title: str
    date: datetime.date | None
    tabs: list[tuple[str, str, bool]]  # label, url, active
    message: str | None = None
    content: dict[str, Any] = {}
    alarm: bool = False  # the message says a lock is broken
    date_note: str | None = None  # what the date means and how to choose another, for the reader


def last_utfall(data) -> datetime.date | None:
    span = data.utfall_span()
    return span[1] if span else None


def netto(ext, date: datetime.date, group_by: str, where: Mapping[str, str] | None = None):
    """The engine's table of nettokostnader, computed once per ledger load for these arguments
    (the links around it depend on the request and are made each time)."""
    key = ("netto", date, group_by, tuple(sorted((where or {}).items())))
    return ext.cached(key, lambda data: compute(data, date, group_by=(group_by,), kinds=NETTO, where=where))


def link(**params) -> str:
    """The report's own URL with these parameters (Fava keeps its filters)."""
    from fava.application import url_for

    return url_for("extension_report", extension_name="Namndbok",
                   **{k: v for k, v in params.items() if v is not None})


def account_link(account: str) -> str:
    """Fava's own page of an account: its journal, and its changes against budget."""
    from fava.application import url_for

    return url_for("account", name=account)


def build(ext, args: Mapping[str, str]) -> Page:
    sida = args.get("sida", DEFAULT_SIDA)
    if sida not in dict(SIDOR):
        sida = DEFAULT_SIDA
    tabs = [(label, link(sida=key), key == sida) for key, label in SIDOR]
    title = dict(SIDOR)[sida]
    broken = ext.broken_locks()
    if broken:
        return Page(sida, title, None, tabs, broken_locks_message(broken), alarm=True)
    data = ext.data
    if not data.kontoplaner:
        return Page(sida, title, None, tabs, "Liggaren har ingen kontoplan (plugin \"namndbok.plugins.namndbok\"); "
                    "Nämndboks sidor behöver den.")
    from namndbok_fava.time_filter import UnreadableTime

    try:
        date = ext.report_date()
    except UnreadableTime as err:
        return Page(sida, title, None, tabs, err.message)
    if date is None:
        return Page(sida, title, None, tabs, "Liggaren har inget utfall ännu.")
    note = date_note(date, chosen=bool(args.get("time")))
    maker = import_module(f"namndbok_fava.pages.{sida.replace('-', '_')}").page
    try:
        content = maker(ext, data, date, args)
    except Exception as err:  # noqa: BLE001 - a page shows what is wrong rather than a stack trace
        return Page(sida, title, date, tabs, f"Sidan kunde inte visas: {without_folder(str(err), ext.ledger_dir)}",
                    date_note=note)
    return Page(sida, title, date, tabs, None, content, date_note=note)


def without_folder(text: str, folder: Path) -> str:
    """`text` with every path in the ledger's folder written relative to it: a page shows
    no server paths (layouter/driftredovisning.toml:3, not /srv/…/layouter/…)."""
    prefix = str(folder)
    return text.replace(prefix + os.sep, "").replace(prefix, ".")


def broken_locks_message(broken: list) -> str:
    """Why the pages show no numbers while a lock does not hold (Swedish)."""
    from namndbok.loading import where

    more = f" ({len(broken) - 1} fel till om låsen)" if len(broken) > 1 else ""
    return (f"Nämndbok visar inga siffror: ett lås på en stängd period håller inte. {where(broken[0])}: "
            f"{broken[0].message.rstrip('.')}{more}. Rätta det först; `namndbok kontrollera` listar alla fel.")


def date_text(date: datetime.date) -> str:
    return f"{date.day} {month_name(date.month)} {date.year}"




def period_text(date: datetime.date) -> str:
    """The year to `date` as the web names a year-to-date figure: "jan–okt 2026" ("jan 2026" in January)."""
    month = MONTHS_SHORT[date.month - 1]
    return f"{month} {date.year}" if date.month == 1 else f"{MONTHS_SHORT[0]}–{month} {date.year}"


def report_headers(report) -> tuple[str, ...]:
    """The report's headers as the web shows them: a layout's `{period}` is the year to the
    report date ("Utfall jan–okt 2026": the utfall and budget columns are the year so far),
    where the CLI and the exports keep the committee's print ("Utfall okt 2026")."""
    from namndbok.report import column_date, fill_header

    layout, date = report.layout, report.date
    period = period_text(date)
    return (fill_header(layout.rubrik.replace("{period}", period), date),
            *(fill_header(c.rubrik.replace("{period}", period), date, column_date(c, date)) for c in layout.kolumner))


def date_note(date: datetime.date, chosen: bool) -> str:
    """What the report date means, in words for a reader who does not know Fava."""
    why = "slutet av perioden i fältet Tid" if chosen else "sista dagen med bokfört utfall"
    return (f"Rapportdatum {date_text(date)} ({why}): utfall och budget avser {period_text(date)}, "
            f"prognos och budget helår hela {date.year}. Välj en annan period i fältet Tid uppe till höger.")


def measure_cell(values, measure: str, unit: str = "mnkr", decimals: int = 1, url: str | None = None,
                 text: str | None = None, turned: bool = False) -> Cell:
    """One measure's cell: printed as the CLI prints it (or `text`, already printed), an avvikelse
    signed and toned by `namndbok_fava.tone.look`."""
    if text is None:
        text = format_measure(values, measure, unit, decimals)
    shown, tone = look(values, measure, text, unit, decimals, turned)
    return Cell(shown, url, tone)
