"""The pages of the Nämndbok report: engine results turned into printed tables.

One module per page (`oversikt`, `budget`, `prognos`, `eget_kapital`, `nyckeltal`, `prognossakerhet`, `budgetarbete`,
`lamna_prognos`), each with
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
from namndbok.swedish import MONTHS_SHORT, format_measure, month_name
from namndbok_fava.tone import look

DEFAULT_SIDA = "oversikt"
SIDOR = (
    ("oversikt", "Översikt"),
    ("budget", "Budgetuppföljning"),
    ("prognos", "Prognos"),
    ("eget-kapital", "Eget kapital"),
    ("nyckeltal", "Nyckeltal"),
    ("prognossakerhet", "Prognossäkerhet"),
    ("budgetarbete", "Budgetarbete"),
    ("lamna-prognos", "Lämna prognos"),
    ("kommun", "Kommun"),  # only when Fava serves several ledgers (pages.kommun)
)
class Cell(NamedTuple):
    text: str
    url: str | None = None
    tone: str | None = None  # "bra" or "dalig": an avvikelse coloured by the committee's sign convention
    note: str | None = None  # a comment shown with the cell (kommentar to an avvikelse)
    remote: bool = False  # the url is another ledger's: a whole page load (data-remote), not Fava's router


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
    notice: str | None = None  # said above the content (a Fava filter our pages do not apply)
    notice_link: tuple[str, str] | None = None  # (label, url) after the notice


# The units a reader can choose on the budget and prognos pages (the CLI's --enhet; kr is too fine to read).
UNITS = ("mnkr", "tkr")


class Choices(NamedTuple):
    """What the reader chose for the tables of the budget and prognos pages (`?enhet=`, `?budgetversion=`)."""

    enhet: str = "mnkr"
    budgetversion: str | None = None  # a budget decision's name: the budget as it was after it (the CLI's --budgetversion)


def choices(data, date: datetime.date, args: Mapping[str, str], unit: str = "mnkr") -> Choices:
    """The reader's choices, each from the values that exist (anything else is the default:
    `unit`, and the budget as known at the report date)."""
    enhet = args.get("enhet")
    version = args.get("budgetversion")
    return Choices(enhet if enhet in UNITS else (unit if unit in UNITS else "mnkr"),
                   version if version in dict(budget_versions(data, date.year)) else None)


def budget_versions(data, year: int) -> list[tuple[str, str]]:
    """(name, label) of the budget decisions with lines in `year`, in decision order."""
    from namndbok.budget_decisions import year_decisions

    return [(d.name, f"{d.name} ({d.date:%Y-%m-%d})") for d in year_decisions(data, year)]


def last_utfall(data) -> datetime.date | None:
    span = data.utfall_span()
    return span[1] if span else None


def netto(ext, date: datetime.date, group_by: str | tuple[str, ...], where: Mapping[str, str] | None = None,
          budget_version: str | None = None):
    """The engine's table of nettokostnader, computed once per ledger load for these arguments
    (the links around it depend on the request and are made each time)."""
    group_by = (group_by,) if isinstance(group_by, str) else tuple(group_by)
    key = ("netto", date, group_by, tuple(sorted((where or {}).items())), budget_version)
    return ext.cached(key, lambda data: compute(data, date, group_by=group_by, kinds=NETTO, where=where,
                                                budget_version=budget_version))


def comments(ext, data, date: datetime.date, dimension: str) -> dict[str, str]:
    """The economists' comments per code of `dimension` (radgrupp, verksamhet, ansvar), as
    `namndbok avvikelser` shows them (`namndbok.avvikelser.comments`); read at each page, since
    Fava does not watch the comment files."""
    from namndbok.avvikelser import comments as read_comments

    return read_comments(data, ext.ledger_dir, date, dimension)


def ek_decisions(ext) -> list:
    """The council's and the committee's decisions on eget kapital (`namndbok.eget_kapital.parse_decisions`),
    read once per load."""
    from namndbok.eget_kapital import parse_decisions

    return ext.cached("beslut", lambda d: parse_decisions(ext.ledger.all_entries, d.currency))[0]


def link(**params) -> str:
    """The report's own URL with these parameters (Fava keeps its filters)."""
    from fava.application import url_for

    return url_for("extension_report", extension_name="Namndbok",
                   **{k: v for k, v in params.items() if v is not None})


def account_link(account: str, start: datetime.date, end: datetime.date) -> str:
    """Fava's own page of an account for the report's period (`start` – `end`, e.g. 1 January to
    the report date): its journal and its changes against budget, with Fava's other filters kept."""
    from fava.application import url_for

    return url_for("account", name=account, time=f"{start.isoformat()} - {end.isoformat()}")


def account_filter_notice(data, value: str) -> tuple[str | None, tuple[str, str] | None]:
    """What the page says when Fava's Konto filter is set: our tables are the whole nämnd's, so the
    economist is not misled into reading them as the filtered account's; and, when the filter is an
    account of a verksamhet, a link to that verksamhet in the drill-down."""
    if not value:
        return None, None
    said = (f"Kontofiltret ”{value}” gäller Favas egna rapporter, inte Nämndboks tabeller: de visar hela "
            "nämnden. Välj i stället radgrupp, verksamhet eller ansvar i budgetuppföljningens fördjupning.")
    ref = data.refs.get(value)
    plan = next(iter(data.kontoplaner.values()))
    if ref is None or ref.verksamhet not in plan.verksamheter:
        return said, None
    from namndbok.engine import label

    name = label(data, "verksamhet", ref.verksamhet)
    return f"{said} Kontot hör till verksamheten {name}:", (f"visa {name} i fördjupningen", link(
        sida="budget", radgrupp=plan.verksamheter[ref.verksamhet].grupp, verksamhet=ref.verksamhet))


def build(ext, args: Mapping[str, str]) -> Page:
    from namndbok_fava.pages.kommun import several

    shown = [(key, label) for key, label in SIDOR if key != "kommun" or several()]
    sida = args.get("sida", DEFAULT_SIDA)
    if sida not in dict(shown):
        sida = DEFAULT_SIDA
    tabs = [(label, link(sida=key), key == sida) for key, label in shown]
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
    notice, notice_link = account_filter_notice(data, args.get("account", ""))
    try:
        content = maker(ext, data, date, args)
    except Exception as err:  # noqa: BLE001 - a page shows what is wrong rather than a stack trace
        return Page(sida, title, date, tabs, f"Sidan kunde inte visas: {without_folder(str(err), ext.ledger_dir)}",
                    date_note=note, notice=notice, notice_link=notice_link)
    return Page(sida, title, date, tabs, None, content, date_note=note, notice=notice, notice_link=notice_link)


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
                 text: str | None = None, turned: bool = False, note: str | None = None) -> Cell:
    """One measure's cell: printed as the CLI prints it (or `text`, already printed), an avvikelse
    signed and toned by `namndbok_fava.tone.look`."""
    if text is None:
        text = format_measure(values, measure, unit, decimals)
    shown, tone = look(values, measure, text, unit, decimals, turned)
    return Cell(shown, url, tone, note)
