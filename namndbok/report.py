"""A layout filled from the ledger: the committee's table, computed by the engine.

`build_report(layout, data, date)` returns a `Report` of rows with one
`Measures` per column (a column may be computed at another date, e.g. the
August prognos in a year-end table); `cells(report)` prints them through
`namndbok.swedish`, the one place that rounds. Every output (terminal,
Markdown, CSV, XLSX) starts from these.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import NamedTuple

from namndbok.eget_kapital import roll_forward
from namndbok.engine import Measures, add_measures, compute, label
from namndbok.layout import Column, Layout, RowSpec
from namndbok.periodisering import month_end
from namndbok.swedish import format_measure
from namndbok.swedish import MONTHS_SHORT


class ReportRow(NamedTuple):
    label: str
    measures: tuple[Measures, ...]  # one per column
    bold: bool
    turned: bool = False  # printed with the other sign (`vand_tecken`, or a sum of such rows)


class Report(NamedTuple):
    layout: Layout
    date: datetime.date
    headers: tuple[str, ...]
    rows: tuple[ReportRow, ...]


def column_date(column: Column, date: datetime.date) -> datetime.date:
    if column.per is None:
        return date
    year, month = (int(column.per[:4]), int(column.per[5:])) if "-" in column.per else (date.year, int(column.per))
    return month_end(year, month)


def header(column: Column, date: datetime.date) -> str:
    return fill_header(column.rubrik, date, column_date(column, date))


def fill_header(text: str, date: datetime.date, at: datetime.date | None = None) -> str:
    """A header with its placeholders (namndbok.layout.PLACEHOLDERS) filled in: {datum} the
    column's date (`at`, the report's date unless the column has `per`), {period} "aug 2026",
    {ar} and {foregaende_ar} (or {fg_ar}) the report's year and the year before, {uppfoljning}
    the column's month as ÅÅÅÅMM. Other braces are left as written."""
    at = at or date
    values = {"datum": at.isoformat(), "period": f"{MONTHS_SHORT[date.month - 1]} {date.year}", "ar": str(date.year),
              "foregaende_ar": str(date.year - 1), "fg_ar": str(date.year - 1), "uppfoljning": f"{at:%Y%m}"}
    return re.sub(r"\{([^{}]*)\}", lambda match: values.get(match.group(1), match.group(0)), text)


def _selection(row: RowSpec, data) -> dict:
    where = {dimension: set(values) for dimension, values in row.filters}
    if row.utom_verksamhet:
        codes = {code for plan in data.kontoplaner.values() for code in plan.verksamheter}
        allowed = where.get("verksamhet", codes)
        where["verksamhet"] = set(allowed) - set(row.utom_verksamhet)
    if row.utom_konto:  # every konto the ledger has (and accounts without one), less the excluded
        allowed = where.get("konto", {ref.konto for ref in data.refs.values()} | {None})
        where["konto"] = set(allowed) - set(row.utom_konto)
    return where


def build_report(layout: Layout, data, date: datetime.date, budget_version: str | None = None) -> Report:
    """The layout filled at `date`; `budget_version`: against the budget as it was after that decision
    (the CLI's `uppfoljning --budgetversion`)."""
    if layout.slag == "prognossakerhet":
        return prognossakerhet_report(layout, data, date)
    rows: list[ReportRow] = []
    by_name: dict[str, ReportRow] = {}
    since_total: list[ReportRow] = []
    for spec in layout.rader:
        if spec.summa is not None:
            parts = since_total if spec.summa == "alla" else [by_name[n] for n in spec.summa]
            measures = tuple(add_measures(p.measures[i] for p in parts) for i in range(len(layout.kolumner)))
            made = [ReportRow(spec.namn, measures, spec.fet, bool(parts) and all(p.turned for p in parts))]
            since_total = []
        else:
            made = _data_rows(spec, layout, data, date, budget_version)
            if spec.vand_tecken:
                made = [row._replace(measures=tuple(_turned(m) for m in row.measures), turned=True) for row in made]
            since_total.extend(made)
        if spec.tom == "0" and not spec.eget_kapital:  # as committees print it: nothing booked is 0
            made = [row._replace(measures=tuple(_zero_filled(m) for m in row.measures)) for row in made]
        for row in made:
            rows.append(row)
            by_name[row.label] = row
    headers = (fill_header(layout.rubrik, date), *(header(c, date) for c in layout.kolumner))
    return Report(layout, date, headers, tuple(rows))


def prognossakerhet_report(layout: Layout, data, date: datetime.date) -> Report:
    """A prognossäkerhet layout (`slag = "prognossakerhet"`) filled: a row per follow-up of the last
    year closed by `date` (namndbok.prognossakerhet), its figures in the engine's measure names:
    prognos and utfall of årets resultat, avvikelse = prognos − utfall, avvikelse_helar_pct of the
    year's nettokostnad (carried as budget_helar, the percentage's base), the bästa and sämsta
    fall where the follow-up gave them. Headers are filled with that year's end ({ar} = the year).
    No closed year with prognoses: PrognossakerhetError (a ValueError) naming the layout."""
    from namndbok.export.prognossakerhet_files import follow_up_label
    from namndbok.prognossakerhet import PrognossakerhetError, calculate_prognossakerhet, default_year

    try:
        year = calculate_prognossakerhet(data, default_year(data, before=date), per_verksamhet=False)
    except PrognossakerhetError as err:
        raise PrognossakerhetError(f"{layout.path}: {err}") from None
    rows = []
    for r in year.rows:
        measures = Measures(prognos=r.prognos, utfall=r.utfall, avvikelse=r.avvikelse,
                            avvikelse_helar_pct=r.andel, budget_helar=year.nettokostnad,
                            prognos_basta=r.band.basta if r.band else None,
                            prognos_samsta=r.band.samsta if r.band else None)
        rows.append(ReportRow(follow_up_label(r.uppfoljning), tuple(measures for _ in layout.kolumner), False))
    year_end = datetime.date(year.year, 12, 31)
    headers = (fill_header(layout.rubrik, year_end), *(fill_header(c.rubrik, year_end) for c in layout.kolumner))
    return Report(layout, date, headers, tuple(rows))


def _data_rows(spec: RowSpec, layout: Layout, data, date, budget_version: str | None = None) -> list[ReportRow]:
    if spec.eget_kapital:
        return [ReportRow(spec.namn, tuple(_eget_kapital(data, column_date(c, date)) for c in layout.kolumner), spec.fet)]
    where = _selection(spec, data)
    group_by = (spec.en_rad_per,) if spec.en_rad_per else ()
    tables = {}
    for column in layout.kolumner:
        at, kinds = column_date(column, date), column.typ or spec.typ
        if (at, kinds) not in tables:
            tables[(at, kinds)] = compute(data, at, group_by=group_by, kinds=kinds, where=where,
                                         budget_version=budget_version)
    chosen = [tables[(column_date(c, date), c.typ or spec.typ)] for c in layout.kolumner]
    if not group_by:
        return [ReportRow(spec.namn, tuple(t.total.measures for t in chosen), spec.fet)]
    out = []
    for key in _ordered_keys(spec.en_rad_per, data, tables, where):
        out.append(ReportRow(label(data, spec.en_rad_per, key[0]), tuple(_row_or_empty(t, key) for t in chosen), spec.fet))
    return out


def _zero_filled(measures: Measures) -> Measures:
    """Every amount with nothing booked (None) as 0; a percentage stays empty (it has no base)."""
    return Measures(**{
        name: (Decimal(0) if value is None and not name.endswith("_pct") else value)
        for name, value in measures._asdict().items()
    })


def _turned(measures: Measures) -> Measures:
    """The same measures with the other sign (a percentage keeps its sign: both parts turn)."""
    return Measures(**{
        name: (value if value is None or name.endswith("_pct") else -value)
        for name, value in measures._asdict().items()
    })


def _eget_kapital(data, at: datetime.date) -> Measures:
    """Ackumulerat resultat inklusive årets resultat, in the columns' own measures:
    utfall = to the date, budget_helar and prognos = by budget and prognos,
    utfall_fg_helar = the previous year's bokslut."""
    rows = roll_forward(data, at.year, at)
    previous = roll_forward(data, at.year - 1)

    def total(items, attr):
        values = [getattr(r, attr) for r in items]
        return None if not values or any(v is None for v in values) else sum(values)

    return Measures(
        utfall=total(rows, "utgaende"),
        budget_helar=total(rows, "utgaende_budget"),
        prognos=total(rows, "utgaende_prognos"),
        utfall_fg_helar=total(previous, "utgaende"),
    )


def _ordered_keys(dimension: str, data, tables, where: dict) -> list[tuple]:
    """Every group of the kontoplan the row selects (so an empty one still gets its
    row), in the kontoplan's order, then any other the ledger has."""
    planned = []
    for plan in data.kontoplaner.values():
        groups = {code: v.grupp for code, v in plan.verksamheter.items()}
        for value in {"radgrupp": list(plan.radgrupper), "verksamhet": list(plan.verksamheter),
                      "ansvar": list(plan.ansvar), "konto": sorted(plan.konton)}[dimension]:
            if dimension in where and value not in where[dimension]:
                continue
            if dimension == "verksamhet" and "radgrupp" in where and groups.get(value) not in where["radgrupp"]:
                continue
            planned.append(value)
    found = [row.key for table in tables.values() for row in table.rows]  # tables: {(date, kinds): Table}
    keys = [(value,) for value in planned] if dimension in ("radgrupp", "verksamhet") else []
    return keys + [k for k in dict.fromkeys(found) if k not in keys]


def _row_or_empty(table, key) -> Measures:
    try:
        return table.row(*key).measures
    except KeyError:
        return Measures()


def column_decimals(layout: Layout, column: Column) -> tuple[int, int]:
    """(decimals of an amount, of a percentage) in `column`: its own `decimaler`, else the layout's
    for amounts and whole percent."""
    if column.decimaler is None:
        return layout.decimaler, 0
    return column.decimaler, column.decimaler


def cells(report: Report) -> list[list[str]]:
    """Every printed cell, row by row (without the header)."""
    layout = report.layout
    return [
        [row.label, *(format_measure(m, c.matt, layout.enhet, *column_decimals(layout, c))
                      for m, c in zip(row.measures, layout.kolumner))]
        for row in report.rows
    ]
