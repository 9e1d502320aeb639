"""A layout filled from the ledger: the committee's table, computed by the engine.

`build_report(layout, data, date)` returns a `Report` of rows with one
`Measures` per column (a column may be computed at another date, e.g. the
August prognos in a year-end table); `cells(report)` prints them through
`namndbok.present`, the one place that rounds. Every output (terminal,
Markdown, CSV, XLSX) starts from these.
"""

from __future__ import annotations

import calendar
import datetime
from typing import NamedTuple

from namndbok.engine import Measures, add_measures, compute, label
from namndbok.layout import Column, Layout, RowSpec
from namndbok.present import format_measure
from namndbok.swedish import MONTHS_SHORT


class ReportRow(NamedTuple):
    label: str
    measures: tuple[Measures, ...]  # one per column
    bold: bool


class Report(NamedTuple):
    layout: Layout
    date: datetime.date
    headers: tuple[str, ...]
    rows: tuple[ReportRow, ...]


def column_date(column: Column, date: datetime.date) -> datetime.date:
    if column.per is None:
        return date
    year, month = (int(column.per[:4]), int(column.per[5:])) if "-" in column.per else (date.year, int(column.per))
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def header(column: Column, date: datetime.date) -> str:
    at = column_date(column, date)
    return column.rubrik.format(period=f"{MONTHS_SHORT[date.month - 1]} {date.year}", ar=date.year, fg_ar=date.year - 1,
                                uppfoljning=f"{at:%Y%m}")


def _selection(row: RowSpec, data) -> dict:
    where = {dimension: set(values) for dimension, values in row.filters}
    if row.utom_verksamhet:
        codes = {code for plan in data.kontoplaner.values() for code in plan.verksamheter}
        allowed = where.get("verksamhet", codes)
        where["verksamhet"] = set(allowed) - set(row.utom_verksamhet)
    return where


def build_report(layout: Layout, data, date: datetime.date) -> Report:
    dates = sorted({column_date(c, date) for c in layout.kolumner})
    rows: list[ReportRow] = []
    by_name: dict[str, ReportRow] = {}
    since_total: list[ReportRow] = []
    for spec in layout.rader:
        if spec.summa is not None:
            parts = since_total if spec.summa == "alla" else [by_name[n] for n in spec.summa]
            measures = tuple(add_measures(p.measures[i] for p in parts) for i in range(len(layout.kolumner)))
            made = [ReportRow(spec.namn, measures, spec.fet)]
            since_total = []
        else:
            made = _data_rows(spec, layout, data, date, dates)
            since_total.extend(made)
        for row in made:
            rows.append(row)
            by_name[row.label] = row
    headers = (layout.rubrik, *(header(c, date) for c in layout.kolumner))
    return Report(layout, date, headers, tuple(rows))


def _data_rows(spec: RowSpec, layout: Layout, data, date, dates) -> list[ReportRow]:
    where = _selection(spec, data)
    group_by = (spec.en_rad_per,) if spec.en_rad_per else ()
    tables = {at: compute(data, at, group_by=group_by, kinds=spec.typ, where=where) for at in dates}
    if not group_by:
        measures = tuple(tables[column_date(c, date)].total.measures for c in layout.kolumner)
        return [ReportRow(spec.namn, measures, spec.fet)]
    keys = _ordered_keys(spec.en_rad_per, data, tables)
    out = []
    for key in keys:
        measures = tuple(_row_or_empty(tables[column_date(c, date)], key) for c in layout.kolumner)
        out.append(ReportRow(label(data, spec.en_rad_per, key[0]), measures, spec.fet))
    return out


def _ordered_keys(dimension: str, data, tables) -> list[tuple]:
    """Every group of the kontoplan (so an empty one still gets its row), then any other."""
    planned = []
    for plan in data.kontoplaner.values():
        planned += {"radgrupp": list(plan.radgrupper), "verksamhet": list(plan.verksamheter),
                    "ansvar": list(plan.ansvar), "konto": sorted(plan.konton)}[dimension]
    found = [row.key for table in tables.values() for row in table.rows]
    keys = [(value,) for value in planned] if dimension in ("radgrupp", "verksamhet") else []
    return keys + [k for k in dict.fromkeys(found) if k not in keys]


def _row_or_empty(table, key) -> Measures:
    try:
        return table.row(*key).measures
    except KeyError:
        return Measures()


def cells(report: Report) -> list[list[str]]:
    """Every printed cell, row by row (without the header)."""
    layout = report.layout
    return [
        [row.label, *(format_measure(m, c.matt, layout.enhet, layout.decimaler) for m, c in zip(row.measures, layout.kolumner))]
        for row in report.rows
    ]
