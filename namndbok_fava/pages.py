"""The pages of the Nämndbok report: engine results turned into printed tables.

Nothing here computes a measure: it asks the engine (and the report,
eget kapital and nyckeltal modules built on it) and prints with
`namndbok.swedish.format_measure` / `namndbok.swedish.format_amount`.
The templates only lay out the strings (autoescaped); the charts are data
for Fava's own chart component (`namndbok_fava.charts`), passed as JSON.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any, Mapping, NamedTuple

from namndbok.accounts import NETTO, result_account
from namndbok.engine import compute
from namndbok.swedish import format_measure
from namndbok.swedish import MONTHS_SHORT, format_amount, month_name
from namndbok_fava import charts

SIDOR = (
    ("budget", "Budgetuppföljning"),
    ("prognos", "Prognos"),
    ("eget-kapital", "Eget kapital"),
    ("nyckeltal", "Nyckeltal"),
)
DEFAULT_LAYOUT = "driftredovisning"
# The drill-down's columns: (measure, header).
DRILL_COLUMNS = (
    ("utfall", "Utfall"),
    ("budget", "Budget"),
    ("avvikelse", "Avvikelse"),
    ("prognos", "Prognos helår"),
    ("budget_helar", "Budget helår"),
    ("avvikelse_helar", "Avvikelse helår"),
    ("avvikelse_helar_pct", "Avvikelse helår %"),
)


class Cell(NamedTuple):
    text: str
    url: str | None = None


class Table(NamedTuple):
    caption: str
    headers: tuple[str, ...]
    rows: list[tuple[list[Cell], bool]]  # cells, bold
    css_id: str = ""


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
    maker = {"budget": _budget, "prognos": _prognos, "eget-kapital": _eget_kapital, "nyckeltal": _nyckeltal}[sida]
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


# ---------------------------------------------------------------------------
# Budgetuppföljning


def layouts(ext) -> list[str]:
    from namndbok.layout import names_in

    return names_in(ext.ledger_dir / "layouter")


def _budget(ext, data, date, args) -> dict:
    from namndbok.layout import load_layout
    from namndbok.report import build_report, cells

    names = layouts(ext)
    chosen = args.get("layout")
    if chosen not in names:
        chosen = DEFAULT_LAYOUT if DEFAULT_LAYOUT in names else (names[0] if names else None)
    report_table = None
    layout_name = None
    if chosen is not None:
        plan = next(iter(data.kontoplaner.values()), None)
        path = ext.ledger_dir / "layouter" / f"{chosen}.toml"
        layout = load_layout(path, plan)
        report = ext.cached(("rapport", chosen, path.stat().st_mtime_ns, date), lambda d: build_report(layout, d, date))
        layout_name = layout.namn
        printed = cells(report)
        report_table = Table(
            f"{layout.namn} per {date_text(date)} ({layout.enhet})",
            tuple(report.headers),
            [([Cell(t) for t in texts], row.bold) for row, texts in zip(report.rows, printed)],
            "rapport",
        )
    return {
        "layouts": names,
        "layout": chosen,
        "layout_name": layout_name,
        "report": report_table,
        "drill": _drill(ext, data, date, args, chosen),
        "chart": ext.cached(("monthly", date), lambda d: charts.monthly_chart(d, date)),
    }


def _drill(ext, data, date, args, layout) -> dict:
    """Nettokostnader per radgrupp → verksamhet → konto, each row a link one level down;
    a konto links to Fava's account page (its journal)."""
    plan = next(iter(data.kontoplaner.values()))
    radgrupp = args.get("radgrupp")
    if radgrupp not in plan.radgrupper:
        radgrupp = None
    verksamhet = args.get("verksamhet")
    if verksamhet not in plan.verksamheter:
        verksamhet = None
    trail = [("Alla radgrupper", link(sida="budget", layout=layout))]
    if verksamhet is not None:
        radgrupp = plan.verksamheter[verksamhet].grupp
        group_by, where, deeper = "konto", {"verksamhet": verksamhet}, None
    elif radgrupp is not None:
        group_by, where, deeper = "verksamhet", {"radgrupp": radgrupp}, "verksamhet"
    else:
        group_by, where, deeper = "radgrupp", {}, "radgrupp"
    if radgrupp is not None:
        trail.append((radgrupp, link(sida="budget", layout=layout, radgrupp=radgrupp)))
    if verksamhet is not None:
        from namndbok.engine import label

        trail.append((label(data, "verksamhet", verksamhet),
                      link(sida="budget", layout=layout, radgrupp=radgrupp, verksamhet=verksamhet)))
    table = netto(ext, date, group_by, where)
    rows = []
    for row in table.rows:
        url = None
        if deeper == "radgrupp" and row.key[0] is not None:
            url = link(sida="budget", layout=layout, radgrupp=row.key[0])
        elif deeper == "verksamhet" and row.key[0] is not None:
            url = link(sida="budget", layout=layout, radgrupp=radgrupp, verksamhet=row.key[0])
        elif deeper is None and row.key[0] in plan.konton:
            url = account_link(result_account(data.roots, plan.konton[row.key[0]].typ, plan.namnd, verksamhet, row.key[0]))
        rows.append(([Cell(row.label, url), *(Cell(format_measure(row.measures, m)) for m, _ in DRILL_COLUMNS)], False))
    rows.append(([Cell("Summa nettokostnader"), *(Cell(format_measure(table.total.measures, m)) for m, _ in DRILL_COLUMNS)], True))
    level = {"radgrupp": "radgrupp", "verksamhet": "verksamhet", "konto": "konto"}[group_by]
    headers = (level.capitalize(), *(h for _, h in DRILL_COLUMNS))
    return {
        "trail": trail,
        "table": Table(f"Nettokostnader per {level} per {date_text(date)} (mnkr)", headers, rows, "fordjupning"),
    }


# ---------------------------------------------------------------------------
# Prognos


def _prognos(ext, data, date, args) -> dict:
    from namndbok.prognos import follow_ups

    dates = [d for d in follow_ups(data.prognos, date.year) if d <= date]
    now = netto(ext, date, "verksamhet")
    by_date = {d: netto(ext, d, "verksamhet") for d in dates}
    keys = [row.key for row in now.rows]
    for table in by_date.values():
        keys += [row.key for row in table.rows if row.key not in keys]
    labels = {row.key: row.label for t in (now, *by_date.values()) for row in t.rows}

    def measures(table, key):
        try:
            return table.row(*key).measures
        except KeyError:
            return None

    headers = ("Verksamhet", f"Budget helår {date.year}",
               *(f"Prognos {MONTHS_SHORT[d.month - 1]}" for d in dates),
               "Avvikelse helår", "Avvikelse helår %", "Bästa fall", "Sämsta fall")
    rows = []
    for key in [*keys, None]:
        if key is None:
            current, label, per_date = now.total.measures, "Summa nettokostnader", {d: t.total.measures for d, t in by_date.items()}
        else:
            current, label, per_date = measures(now, key), labels[key], {d: measures(t, key) for d, t in by_date.items()}
        cells = [Cell(label), Cell(format_measure(current, "budget_helar") if current else "")]
        for d in dates:
            m = per_date[d]
            cells.append(Cell(format_measure(m, "prognos") if m else ""))
        for measure in ("avvikelse_helar", "avvikelse_helar_pct", "prognos_basta", "prognos_samsta"):
            cells.append(Cell(format_measure(current, measure) if current else ""))
        rows.append((cells, key is None))
    table = Table(f"Nettokostnader: helårsprognos per verksamhet vid varje uppföljning {date.year} (mnkr)", headers, rows, "prognos")
    return {
        "dates": dates,
        "table": table,
        "chart": ext.cached(("prognos", date), lambda d: charts.prognos_chart(d, date)),
    }


# ---------------------------------------------------------------------------
# Eget kapital


def _eget_kapital(ext, data, date, args) -> dict:
    from namndbok.eget_kapital import decision_listing, parse_decisions, roll_forward_table, table_years

    years = table_years(data, date)
    result = ext.cached(("ek", date), lambda d: roll_forward_table(d, years, date))
    last = len(result.rows) - 1
    rows = [([Cell(label), *(Cell(format_amount(v, "mnkr", 1)) for v in values)], i in (0, last))
            for i, (label, values) in enumerate(result.rows)]
    table = Table(f"Eget kapital (ackumulerat resultat) per {date_text(date)} (mnkr)", ("", *result.columns), rows, "eget-kapital")
    decisions, _, _ = ext.cached("beslut", lambda d: parse_decisions(ext.ledger.all_entries, d.currency))
    listing = []
    for d in decision_listing(decisions):
        if len(d.amounts) > 1:  # a repayment plan: its years in one cell
            year, amount = "", "; ".join(f"{y}: {format_amount(value, 'mnkr', 1)}" for y, value in d.amounts)
        else:
            year, amount = (str(d.amounts[0][0]) if d.amounts[0][0] else ""), format_amount(d.amounts[0][1], "mnkr", 1)
        listing.append(([Cell(f"{d.date:%Y-%m-%d}"), Cell(d.name), Cell(d.typ), Cell(d.beslut), Cell(year), Cell(amount)], False))
    beslut = Table("Fullmäktiges och nämndens beslut om eget kapital", ("Datum", "Beslut", "Typ", "Referens", "Avser år", "Belopp (mnkr)"),
                   listing, "beslut")
    return {"table": table, "beslut": beslut}


# ---------------------------------------------------------------------------
# Nyckeltal


def _nyckeltal(ext, data, date, args) -> dict:
    from namndbok.nyckeltal import compute_nyckeltal, load_specs, parse_volumes
    from namndbok.export.nyckeltal_files import HEADERS, rows as printed_rows

    path = ext.ledger_dir / "nyckeltal.toml"
    if not path.exists():
        return {"table": None, "chart": "", "missing": str(path.name)}
    plan = next(iter(data.kontoplaner.values()))
    specs = load_specs(path, plan)
    volumes = ext.cached("volumes", lambda d: parse_volumes(ext.ledger.all_entries, d.roots, d.kontoplaner)[0])
    version = path.stat().st_mtime_ns
    results = ext.cached(("nyckeltal", version, date), lambda d: [compute_nyckeltal(d, volumes, s, date) for s in specs])
    rows = [([Cell(t) for t in texts], False) for texts in printed_rows(results)]
    table = Table(f"Nyckeltal {date.year} t.o.m. {date_text(date)} (tkr)", HEADERS, rows, "nyckeltal")
    chart = ext.cached(("nyckeltal-chart", version, date), lambda d: charts.trend_chart(d, volumes, specs, date))
    return {"table": table, "chart": chart, "missing": None}
