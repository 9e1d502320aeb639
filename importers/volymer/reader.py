"""A volume list (CSV or XLSX) into `VolumeRow`s: vårddygn, vårdtagare, placeringar …

The volumes behind the nyckeltal (e.g. nettokostnad per vårddygn), per verksamhet
and month, in one of two layouts told apart by the header:

    long:  Verksamhet  [Ansvar]  Månad       Enhet      Antal
           5731        2200      2026-03     vårddygn   412
           5731        2200      mars 2026   placeringar  14,5

    wide:  Verksamhet  [Ansvar]  Enhet      Jan   Feb   Mar  …
           5731        2200      vårddygn   398   371   412

A month is `2026-03`, `202603`, `mars 2026`, `Mar 2026` or a date (any day of the
month); a bare month name (`mars`, `Jan` … `Dec` as wide headers) takes the year
the caller gives, and is refused without one. A wide list may have any months,
e.g. January to March so far; an empty cell there is a month not yet reported,
while an empty Antal in the long layout is an error. Antal is a number, not
negative, with decimal comma. Enhet is returned lower-case.

Read as the budget workbooks are (`namndbok.importers.budgetbok.reader`, `namndbok.importers.tabell`): XLSX or CSV by
content, headers trimmed and case-insensitive, rows above the header and empty
rows skipped, total rows (verksamhet or enhet starting with "Summa"/"Totalt")
skipped, codes kept as text. Every error is a `SourceError` with the CSV line or
XLSX row, in Swedish.
"""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal
from typing import Any, NamedTuple, Sequence

from namndbok.importers.budgetbok.reader import (
    ANSVAR,
    VERKSAMHET,
    WIDER_ROW_ADVICE,
    cell_number,
    is_total_row,
    month_columns,
    read_header,
    read_month,
    read_table,
    refuse_repeated_months,
    refuse_repeats,
    required_text,
    swedish_number,
)
from namndbok.importers.tabell import (
    Column,
    Header,
    Invalid,
    cell_at,
    cell_text,
    convert_rows,
    text_at,
)
from namndbok.periodisering import month_end
from namndbok.swedish import month_name

MONTH = Column("Månad", ("månad",))
ENHET = Column("Enhet", ("enhet",))
ANTAL = Column("Antal", ("antal",))


class VolumeRow(NamedTuple):
    """One volume: how many of a unit a verksamhet had in a month."""

    verksamhet: str
    ansvar: str | None
    month: datetime.date  # the month's last day
    enhet: str  # lower-case, trimmed, e.g. "vårddygn"
    antal: Decimal
    line: int  # CSV line or XLSX row, 1-based


def read_volume_list(data: bytes, path: str, year: int | None = None, sheet: str | None = None) -> list[VolumeRow]:
    """Every volume of the file; `year` dates bare month names, `sheet` picks an XLSX sheet (default: the first)."""
    table = read_table(data, path, sheet)
    header = read_header(table)
    convert = _long_converter(header, year) if _is_long(header) else _wide_converter(header, year)
    rows = convert_rows(table, header, convert, WIDER_ROW_ADVICE)
    return refuse_repeats(rows, _key, _describe_key, path)


class _Layout(NamedTuple):
    """Where each column is (0-based cell index); `antal` for the long layout, `months` for the wide."""

    verksamhet: int
    ansvar: int | None
    enhet: int
    names: tuple[str, ...]  # the headers as written, for messages
    year: int | None = None  # the caller's, for bare month names
    month: int | None = None
    antal: int | None = None
    months: tuple[tuple[int, datetime.date], ...] = ()  # (cell index, month end)


def _is_long(header: Header) -> bool:
    return header.find(MONTH) is not None or header.find(ANTAL) is not None


def _long_converter(header: Header, year: int | None):
    verksamhet, enhet, month, antal = header.require(VERKSAMHET, ENHET, MONTH, ANTAL)
    layout = _Layout(verksamhet, header.find(ANSVAR), enhet, header.names, year, month, antal)
    return functools.partial(_long_rows, layout)


def _wide_converter(header: Header, year: int | None):
    verksamhet, enhet = header.require(VERKSAMHET, ENHET)
    layout = _Layout(verksamhet, header.find(ANSVAR), enhet, header.names, months=_month_columns(header, year))
    return functools.partial(_wide_rows, layout)


def _month_columns(header: Header, year: int | None) -> tuple[tuple[int, datetime.date], ...]:
    columns = month_columns(header)
    if not columns:
        raise header.error(
            "Rubrikraden har varken 'Månad' och 'Antal' (en rad per månad) eller månadskolumner "
            f"(Jan … Dec eller 2026-01 … 2026-12, en kolumn per månad). Kolumner i filen: {header.shown()}. "
            "Lägg till det ena eller det andra.")
    if year is None and any(column_year is None for _, column_year, _ in columns):
        raise header.error(
            "Månadskolumnerna (Jan … Dec) saknar år: ange året när listan läses in, "
            "eller skriv rubrikerna med år, t.ex. 2026-01 … 2026-12.")
    dated = [(index, month_end(column_year or year, month)) for index, column_year, month in columns]
    refuse_repeated_months(header, ((date, index) for index, date in dated))
    return tuple(dated)


def _long_rows(layout: _Layout, line: int, cells: Sequence[Any]) -> tuple[VolumeRow, ...]:
    identity = _identity(layout, cells)
    if identity is None:
        return ()
    antal_column = layout.names[layout.antal]
    antal = _antal(cell_at(cells, layout.antal), antal_column)
    if antal is None:
        raise Invalid(f"Antalet saknas i kolumnen '{antal_column}'. Fyll i det (0 om inget), eller ta bort raden.")
    month = _month(cell_at(cells, layout.month), layout.names[layout.month], layout.year)
    return (_volume(identity, month, antal, line),)


def _wide_rows(layout: _Layout, line: int, cells: Sequence[Any]) -> list[VolumeRow]:
    identity = _identity(layout, cells)
    if identity is None:
        return []
    return [_volume(identity, month, antal, line) for index, month in layout.months
            if (antal := _antal(cell_at(cells, index), layout.names[index])) is not None]


class _Identity(NamedTuple):
    """What a volume is of, in `VolumeRow`'s field names."""

    verksamhet: str
    ansvar: str | None
    enhet: str


def _identity(layout: _Layout, cells: Sequence[Any]) -> _Identity | None:
    """Verksamhet, ansvar and enhet of a row; None for a total row."""
    verksamhet, enhet = text_at(cells, layout.verksamhet), text_at(cells, layout.enhet)
    if is_total_row(verksamhet, enhet):
        return None
    return _Identity(
        verksamhet=required_text(verksamhet, layout.names[layout.verksamhet], "Verksamheten"),
        ansvar=text_at(cells, layout.ansvar) or None,
        enhet=required_text(enhet, layout.names[layout.enhet], "Enheten").lower(),
    )


def _volume(identity: _Identity, month: datetime.date, antal: Decimal, line: int) -> VolumeRow:
    return VolumeRow(identity.verksamhet, identity.ansvar, month, identity.enhet, antal, line)


def _antal(value: Any, column: str) -> Decimal | None:
    antal = cell_number(value, column)
    if antal is not None and antal < 0:
        raise Invalid(f"Antalet {swedish_number(antal)} i kolumnen '{column}' är negativt. Ett antal är 0 eller mer; rätta värdet.")
    return antal


def _month(value: Any, column: str, year: int | None) -> datetime.date:
    """The last day of the month a cell names: a date, 2026-03, 202603, "mars 2026", or "mars" with the caller's year."""
    if isinstance(value, datetime.date):  # datetime.datetime too
        return month_end(value.year, value.month)
    text = cell_text(value)
    if not text:
        raise Invalid(f"Månaden saknas i kolumnen '{column}'. Fyll i den, t.ex. 2026-03 eller mars 2026.")
    month = read_month(text)
    if month is None:
        raise Invalid(f"Månaden '{text}' i kolumnen '{column}' kan inte läsas. Skriv den som 2026-03, mars 2026 eller ett datum.")
    month_year = month[0] or year
    if month_year is None:
        raise Invalid(f"Månaden '{text}' i kolumnen '{column}' saknar år. Skriv t.ex. '{text} 2026' eller 2026-03, eller ange året när listan läses in.")
    return month_end(month_year, month[1])


def _key(row: VolumeRow) -> tuple[str, str | None, datetime.date, str]:
    return row.verksamhet, row.ansvar, row.month, row.enhet


def _describe_key(row: VolumeRow) -> str:
    ansvar = f", ansvar {row.ansvar}" if row.ansvar else ", utan ansvar"
    return f"verksamhet {row.verksamhet}{ansvar}, {month_name(row.month.month)} {row.month.year} och enhet {row.enhet}"
