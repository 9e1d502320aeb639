"""The prognossäkerhet table (namndbok.prognossakerhet) as cells, or as XLSX: shared by
`namndbok prognossakerhet`, the prognossäkerhet layout and the Fava page, so all three
print the same cells. Rounding happens only here (namndbok.swedish)."""

from __future__ import annotations

import datetime
import io

from namndbok.prognossakerhet import Accuracy, YearAccuracy
from namndbok.swedish import UNITS, format_amount, format_percent, month_name

HEADERS = ("Uppföljning", "Prognos årets resultat", "Utfall årets resultat", "Avvikelse prognos − utfall",
           "i % av nettokostnad", "Bästa fall", "Sämsta fall", "Utfallet inom bästa–sämsta")
PERCENT_DECIMALS = 1  # a prognos error is a small share of nettokostnad: 0,5 %, not 0 %
RIGHT = (False, True, True, True, True, True, True, False)


def follow_up_label(date: datetime.date) -> str:
    """'februari 2026'."""
    return f"{month_name(date.month)} {date.year}"


def inside_text(row: Accuracy) -> str:
    return "" if row.band is None else ("ja" if row.band.inom else "nej")


def rows(year: YearAccuracy, unit: str = "mnkr", decimals: int = 1) -> list[list[str]]:
    """One row per follow-up: HEADERS' cells."""
    return [[follow_up_label(r.uppfoljning), format_amount(r.prognos, unit, decimals), format_amount(r.utfall, unit, decimals),
             format_amount(r.avvikelse, unit, decimals), format_percent(r.andel, PERCENT_DECIMALS),
             format_amount(r.band.basta if r.band else None, unit, decimals),
             format_amount(r.band.samsta if r.band else None, unit, decimals), inside_text(r)]
            for r in year.rows]


def title(name: str, year: YearAccuracy, unit: str) -> str:
    return f"{name} – prognossäkerhet {year.year}, {unit} (positiv avvikelse: prognosen var mer optimistisk än utfallet)"


def verksamhet_headers(year: YearAccuracy) -> tuple[str, ...]:
    return ("Verksamhet", f"Utfall nettokostnad {year.year}", *(follow_up_label(r.uppfoljning) for r in year.rows))


def verksamhet_rows(year: YearAccuracy, unit: str = "mnkr", decimals: int = 1) -> list[list[str]]:
    """A row per verksamhet: its nettokostnad by utfall, then the avvikelse prognos − utfall at each
    follow-up; the last row the sum (the nettokostnad of the whole nämnd)."""
    out = [[v.label, format_amount(v.rows[0].utfall if v.rows else None, unit, decimals),
            *(format_amount(r.avvikelse, unit, decimals) for r in v.rows)] for v in year.verksamheter]
    out.append(["Summa nettokostnad", format_amount(year.nettokostnad, unit, decimals),
                *(format_amount(r.avvikelse, unit, decimals) for r in year.netto)])
    return out


def to_xlsx(year: YearAccuracy, sheet_title: str, unit: str, decimals: int, per_verksamhet: bool = False) -> bytes:
    """The table as XLSX: amounts as numbers in `unit`, the share as a percentage Excel can compute with."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from namndbok.export.report_files import _stable_zip, sheet_name

    amount_format = "#,##0" + ("." + "0" * decimals if decimals else "")
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name(sheet_title)
    if per_verksamhet:
        sheet.append(list(verksamhet_headers(year)))
        lines = [(v.label, [v.rows[0].utfall if v.rows else None, *(r.avvikelse for r in v.rows)], False)
                 for v in year.verksamheter]
        lines.append(("Summa nettokostnad", [year.nettokostnad, *(r.avvikelse for r in year.netto)], True))
        for label, values, bold in lines:
            sheet.append([label, *(None if v is None else float(v / UNITS[unit]) for v in values)])
            for cell in sheet[sheet.max_row][1:]:
                cell.number_format = amount_format
            if bold:
                for cell in sheet[sheet.max_row]:
                    cell.font = Font(bold=True)
    else:
        sheet.append(list(HEADERS))
        for r in year.rows:
            amounts = [r.prognos, r.utfall, r.avvikelse]
            band = [r.band.basta, r.band.samsta] if r.band else [None, None]
            sheet.append([follow_up_label(r.uppfoljning), *(float(v / UNITS[unit]) for v in amounts),
                          None if r.andel is None else float(r.andel),
                          *(None if v is None else float(v / UNITS[unit]) for v in band), inside_text(r)])
            cells = sheet[sheet.max_row]
            for index in (1, 2, 3, 5, 6):
                cells[index].number_format = amount_format
            cells[4].number_format = "0." + "0" * PERCENT_DECIMALS + "%"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    stamp = datetime.datetime(year.year, 12, 31)
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = "Nämndbok"
    buffer = io.BytesIO()
    book.save(buffer)
    return _stable_zip(buffer.getvalue(), stamp)


KOMMUN_HEADERS = ("Nämnd", "Bokslut", "Delårsrapport", "Avvikelse")
KOMMUN_RIGHT = (False, True, True, True)


def kommun_headers(accuracy) -> tuple[str, ...]:
    """The kommun table's headers, the delårsrapport's months named: 'Delårsrapport jan–aug'."""
    return ("Nämnd", "Bokslut", f"Delårsrapport jan–{month_name(accuracy.month)[:3]}", "Avvikelse")


def kommun_rows(accuracy, unit: str = "mnkr", decimals: int = 1) -> list[list[str]]:
    """A row per nämnd (namndbok.prognossakerhet.KommunAccuracy) and the sum, ÅRETS RESULTAT, last."""
    return [[r.namnd, *(format_amount(v, unit, decimals) for v in (r.bokslut, r.delarsrapport, r.avvikelse))]
            for r in (*accuracy.rows, accuracy.total)]


def kommun_title(kommun: str, accuracy, unit: str) -> str:
    return (f"{kommun} – prognossäkerhet per nämnd {accuracy.year}, {unit}: budgetavvikelse vid bokslutet och vid "
            f"delårsrapporten jan–{month_name(accuracy.month)[:3]} (positiv avvikelse: bokslutet blev bättre)")
