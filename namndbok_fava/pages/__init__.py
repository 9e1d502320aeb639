"""The pages of the Nämndbok report: engine results turned into printed tables.

One module per page (`budget`, `prognos`, `eget_kapital`, `nyckeltal`), each with
`page(ext, data, date, args) -> dict` (the template's `page.content`); this module
holds what they share (the page frame, cells, links, the cached engine tables).

Nothing here computes a measure: it asks the engine (and the report,
eget kapital and nyckeltal modules built on it) and prints with
`namndbok.swedish.format_measure` / `namndbok.swedish.format_amount`.
The templates only lay out the strings (autoescaped); the charts are plotly
figures (`namndbok_fava.charts`), passed as JSON and drawn by static/diagram.js.
"""

from __future__ import annotations

import datetime
import os
from importlib import import_module
from pathlib import Path
from typing import Any, Mapping, NamedTuple

from namndbok.accounts import NETTO
from namndbok.engine import compute
from namndbok.swedish import month_name

SIDOR = (
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
    sida = args.get("sida", "budget")
    if sida not in dict(SIDOR):
        sida = "budget"
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
    maker = import_module(f"namndbok_fava.pages.{sida.replace('-', '_')}").page
    try:
        content = maker(ext, data, date, args)
    except Exception as err:  # noqa: BLE001 - a page shows what is wrong rather than a stack trace
        return Page(sida, title, date, tabs, f"Sidan kunde inte visas: {without_folder(str(err), ext.ledger_dir)}")
    return Page(sida, title, date, tabs, None, content)


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


