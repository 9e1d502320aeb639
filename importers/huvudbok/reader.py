"""A huvudbok export (CSV or XLSX) into `SourceRow`s, through its column mapping.

Pure: the file's bytes and a `Mapping` in, rows out, or a `SourceError` naming
the file, the line (CSV line or XLSX row, 1-based, header included) and what to
do. The mapping's settings choose how `namndbok.importers.tabell` reads the file; one
function turns each record into a row.
"""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal
from typing import Any, Callable, NamedTuple, Sequence

from namndbok.importers.huvudbok.mapping import AUTO, Mapping
from namndbok.importers.model import SourceError, SourceRow
from namndbok.importers.tabell import (
    ZIP_MAGIC,
    Column,
    Header,
    Invalid,
    NumberFormat,
    Table,
    cell_at,
    cell_text,
    column_letter,
    column_list,
    convert_rows,
    csv_table,
    decode_as,
    decode_auto,
    read_number,
    sniff_delimiter,
    text_at,
    xlsx_table,
)

WIDER_ROW_ADVICE = (
    "Exportera med semikolon som avgränsare, eller med citattecken kring värdena, "
    "och kontrollera avgransare i mappningen.")
NUMBER_ADVICE = "Rätta värdet, eller decimaltecken och tusentalsavgransare i mappningen."
ENCODING_ADVICE = 'Ange filens kodning i mappningen, t.ex. kodning = "iso-8859-1".'


def read_huvudbok(data: bytes, mapping: Mapping, path: str = "<huvudbok>") -> list[SourceRow]:
    """All transaction rows of the export, debit positive."""
    table = _xlsx_table(data, mapping, path) if mapping.format == "xlsx" else _csv_table(data, mapping, path)
    header = _header(table, mapping)
    convert = functools.partial(_source_rows, _layout(header, mapping), mapping)
    return list(convert_rows(table, header, convert, WIDER_ROW_ADVICE))


# --- From records to rows -------------------------------------------------


class _Layout(NamedTuple):
    """Where each mapped column is in the file (0-based cell index)."""

    fields: dict[str, int]  # Columns field → index, for the mapped ones
    headers: dict[str, str]  # Columns field → the header as the file spells it
    dimensions: tuple[tuple[str, int], ...]  # (dimension name, index)
    numbers: tuple[NumberFormat]  # how amounts written as text read


def _header(table: Table, mapping: Mapping) -> Header:
    for line, cells in table.records:
        if line >= mapping.rubrikrad:
            return Header.of(table.path, line, cells)
    raise SourceError(table.path, 0, (
        f"Filen har ingen rubrikrad: rad {mapping.rubrikrad} finns inte. "
        f"Kontrollera att det är rätt fil, eller rubrikrad i mappningen {mapping.path}."))


def _layout(header: Header, mapping: Mapping) -> _Layout:
    columns = {field: name for field, name in mapping.kolumner._asdict().items() if name}
    wanted = [*columns.values(), *(name for _, name in mapping.dimensioner)]
    index = _header_index(header, wanted, mapping)
    return _Layout(
        fields={field: index[name] for field, name in columns.items()},
        headers=columns,
        dimensions=tuple((dimension, index[name]) for dimension, name in mapping.dimensioner),
        numbers=(NumberFormat(mapping.decimaltecken, mapping.tusentalsavgransare),),
    )


def _header_index(header: Header, wanted: list[str], mapping: Mapping) -> dict[str, int]:
    """Each wanted header's cell index; refuses one missing or repeated."""
    found = {name: header.indexes(Column.named(name)) for name in wanted}
    missing = [name for name in wanted if not found[name]]
    if missing:
        raise header.error(
            f"Rubrikraden saknar {column_list(missing)} som mappningen {mapping.path} anger. Kolumner i filen: {header.shown()}. "
            "Rätta [kolumner] eller [dimensioner] i mappningen, eller rubrikrad om rubrikerna står på en annan rad.")
    for name in wanted:
        if len(indexes := found[name]) > 1:
            letters = " och ".join(map(column_letter, indexes))
            raise header.error(f"Kolumnen '{name}' finns flera gånger i rubrikraden (kolumn {letters}); byt namn på den som inte ska läsas.")
    return {name: indexes[0] for name, indexes in found.items()}


def _source_rows(layout: _Layout, mapping: Mapping, line: int, cells: Sequence[Any]) -> tuple[SourceRow]:
    """The record's row, as the one-row tuple `convert_rows` takes."""
    def cell(field: str) -> Any:
        return cell_at(cells, layout.fields.get(field))

    def number(field: str) -> Decimal | None:
        return read_number(cell(field), layout.headers[field], layout.numbers, NUMBER_ADVICE) if field in layout.fields else None

    konto = _konto(cell("konto"), layout.headers["konto"])  # first: a summary row lacks it
    objekt = tuple((name, value) for name, index in layout.dimensions if (value := text_at(cells, index)))
    return (SourceRow(
        date=_date(cell("datum"), layout.headers["datum"], mapping.datumformat),
        konto=konto,
        objekt=objekt,
        amount=_amount(number, mapping),
        text=cell_text(cell("text")),
        ver=cell_text(cell("verifikation")) or None,
        line=line,
        quantity=number("kvantitet"),
    ),)


def _amount(number: Callable[[str], Decimal | None], mapping: Mapping) -> Decimal:
    """Debit positive, from belopp (flipped if kredit-positiv) or debet − kredit."""
    if mapping.kolumner.belopp:
        amount = number("belopp")
        if amount is None:
            raise Invalid(f"Beloppet saknas i kolumnen '{mapping.kolumner.belopp}'. Fyll i det, eller ta bort raden om den inte hör till huvudboken.")
        return 0 - amount if mapping.tecken == "kredit-positiv" else amount
    debet, kredit = number("debet"), number("kredit")
    if debet is None and kredit is None:
        raise Invalid(
            f"Beloppet saknas: både '{mapping.kolumner.debet}' och '{mapping.kolumner.kredit}' är tomma. "
            "Fyll i det, eller ta bort raden om den inte hör till huvudboken.")
    return (debet or 0) - (kredit or 0)


def _konto(value: Any, column: str) -> str:
    konto = cell_text(value)
    if not konto:
        raise Invalid(
            f"Kontot saknas i kolumnen '{column}'. Om raden är en summarad, exportera utan summor "
            "eller ta bort raden; annars fyll i kontot.")
    if not (konto.isascii() and konto.isdigit()):
        raise Invalid(f"Kontot '{konto}' i kolumnen '{column}' är inte ett kontonummer (bara siffror). Kontrollera att [kolumner] konto pekar på rätt kolumn.")
    return konto


def _date(value: Any, column: str, formats: tuple[str, ...]) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    if not text:
        raise Invalid(f"Datumet saknas i kolumnen '{column}'.")
    date = _parse_date(text, formats)
    if date is None:
        shown = " eller ".join(f'"{f}"' for f in formats)
        raise Invalid(
            f"Datumet '{text}' i kolumnen '{column}' kan inte läsas med datumformat {shown}. "
            "Rätta datumet, eller datumformat i mappningen.")
    return date


@functools.lru_cache(maxsize=4096)  # an export repeats few dates; strptime is the slowest step
def _parse_date(text: str, formats: tuple[str, ...]) -> datetime.date | None:
    for format_ in formats:
        try:
            return datetime.datetime.strptime(text, format_).date()
        except ValueError:
            continue
    return None


# --- Reading the file, as the mapping says -------------------------------------


def _csv_table(data: bytes, mapping: Mapping, path: str) -> Table:
    if data.startswith(ZIP_MAGIC):
        raise SourceError(path, 0, f'Filen är en XLSX-arbetsbok, men mappningen {mapping.path} anger format = "csv". Använd en mappning för xlsx, eller spara filen som CSV.')
    if mapping.kodning == AUTO:
        text = decode_auto(data, path, ENCODING_ADVICE)
    else:
        text = decode_as(data, mapping.kodning, path, f"mappningen {mapping.path}")
    return csv_table(text, _delimiter(text, mapping, path), path)


def _delimiter(text: str, mapping: Mapping, path: str) -> str:
    """The mapping's delimiter, or the one most used in the header line outside quotes."""
    if mapping.avgransare != AUTO:
        return mapping.avgransare
    return sniff_delimiter(text, mapping.rubrikrad, path, (
        f"Ange avgransare i mappningen {mapping.path}, eller rubrikrad om rubrikerna står på en annan rad."))


def _xlsx_table(data: bytes, mapping: Mapping, path: str) -> Table:
    not_a_workbook = (
        f'Filen är inte en XLSX-arbetsbok, men mappningen {mapping.path} anger format = "xlsx". '
        "Spara filen som Excel-arbetsbok (.xlsx), eller använd en mappning för CSV.")
    return xlsx_table(data, path, mapping.blad, not_a_workbook, f"Rätta blad i mappningen {mapping.path}.")
