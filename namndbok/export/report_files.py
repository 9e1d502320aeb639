"""A layout's table as a file: Markdown, CSV or XLSX (`namndbok rapport --format`, the period-close set).

Thin presenters over `namndbok.report`: the cells are printed by
`namndbok.swedish.format_measure` (the one place that rounds); XLSX gets real numbers in the
layout's unit with a number format, so Excel shows the Swedish format and can
still sum them.
"""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

from namndbok.report import Report, cells, column_decimals
from namndbok.swedish import UNITS

_SHEET_FORBIDDEN = re.compile(r"[:/\\?*\[\]]")


def sheet_name(title: str) -> str:
    """`title` as an Excel sheet name: Excel refuses `: / \\ ? * [ ]`, an apostrophe first or
    last, an empty name and more than 31 characters (openpyxl raises on them)."""
    name = re.sub(r"\s+", " ", _SHEET_FORBIDDEN.sub("-", title)).strip()[:31].strip().strip("'").strip()
    return name or "Rapport"


def to_markdown(report: Report) -> str:
    from namndbok import markdown

    rows = [[f"**{t}**" if row.bold and t else t for t in printed] for row, printed in zip(report.rows, cells(report))]
    out = [f"**{markdown.text(report.layout.namn)}**", "",
           *markdown.table(report.headers, rows, [False] + [True] * (len(report.headers) - 1))]
    return "\n".join(out) + "\n"


def to_csv(report: Report) -> str:
    from namndbok.export.csv_excel import csv_text

    return csv_text(report.headers, cells(report))


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    layout = report.layout
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name(layout.namn)
    sheet.append(list(report.headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    amount_format = "#,##0" + ("." + "0" * layout.decimaler if layout.decimaler else "")
    for row in report.rows:
        values = [row.label]
        for measures, column in zip(row.measures, layout.kolumner):
            value = getattr(measures, column.matt)
            if value is None or (column.matt.endswith("_pct") and _no_percentage(measures, layout)):
                values.append(None)
            elif column.matt.endswith("_pct"):
                values.append(float(value))
            else:
                values.append(float(Decimal(value) / UNITS[layout.enhet]))
        sheet.append(values)
        for index, cell in enumerate(sheet[sheet.max_row]):
            if index:
                column = layout.kolumner[index - 1]
                places = column_decimals(layout, column)
                cell.number_format = (("0." + "0" * places[1] if places[1] else "0") + "%" if column.matt.endswith("_pct")
                                      else amount_format if column.decimaler is None
                                      else "#,##0" + ("." + "0" * places[0] if places[0] else ""))
            if row.bold:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = max(len(r.label) for r in report.rows) + 2
    # The same report gives the same bytes: dated by the report, not by the clock.
    stamp = datetime.datetime.combine(report.date, datetime.time())
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = "Nämndbok"
    buffer = io.BytesIO()
    book.save(buffer)
    return _stable_zip(buffer.getvalue(), stamp)


def _stable_zip(data: bytes, stamp: datetime.datetime) -> bytes:
    """Rewrite the XLSX zip with fixed entry times, so unchanged content means unchanged bytes."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + f"{stamp:%Y-%m-%dT%H:%M:%SZ}".encode(), content)
            target.writestr(info, content)
    return out.getvalue()


def _no_percentage(measures, layout) -> bool:
    from namndbok.swedish import format_measure

    return format_measure(measures, "avvikelse_helar_pct", layout.enhet, layout.decimaler) == ""


def table_xlsx(title: str, headers: list[str], rows: list[tuple[str, list[Decimal | None], bool]], unit: str,
               decimals: int, stamp: datetime.date) -> bytes:
    """A table of amounts (kronor) as XLSX: real numbers in `unit` with a number format, bold rows
    (label, values, bold), the same bytes for the same table (dated `stamp`, not by the clock)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name(title)
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    amount_format = "#,##0" + ("." + "0" * decimals if decimals else "")
    for label, values, bold in rows:
        sheet.append([label, *(None if v is None else float(Decimal(v) / UNITS[unit]) for v in values)])
        for index, cell in enumerate(sheet[sheet.max_row]):
            if index:
                cell.number_format = amount_format
            if bold:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = max([len(label) for label, _, _ in rows] + [10]) + 2
    moment = datetime.datetime.combine(stamp, datetime.time())
    book.properties.created = book.properties.modified = moment
    book.properties.creator = "Nämndbok"
    buffer = io.BytesIO()
    book.save(buffer)
    return _stable_zip(buffer.getvalue(), moment)
