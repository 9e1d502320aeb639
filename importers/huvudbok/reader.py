"""A huvudbok export (CSV or XLSX) into `SourceRow`s, through its column mapping.

Pure: the file's bytes and a `Mapping` in, rows out, or a `SourceError` naming
the file, the line (CSV line or XLSX row, 1-based, header included) and what to
do. Both formats become the same stream of (line, cells); one function turns a
record into a row. CSV is decoded in one pass and read with the csv module, XLSX
with openpyxl in read-only mode, so a large export is read linearly.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import functools
import io
import itertools
import re
import zipfile
import zlib
from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Sequence

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from importers.huvudbok.mapping import AUTO, Mapping
from importers.model import SourceError, SourceRow

Record = tuple[int, Sequence[Any]]  # (line or row number, cells)

SNIFFED_DELIMITERS = (";", "\t", ",")  # in order of preference when counts tie
SPACES = " \u00a0\u202f\u2009"  # space, no-break space, narrow no-break space, thin space
MINUSES = "-\u2212"  # hyphen-minus and the minus sign
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
# What openpyxl and zipfile raise for bytes that are no (sound) workbook; SyntaxError covers XML parse errors.
XLSX_ERRORS = (zipfile.BadZipFile, zlib.error, InvalidFileException, KeyError, ValueError, SyntaxError, EOFError, OSError)


class _Invalid(Exception):
    """A value that cannot be read; the caller adds file and line."""


def read_huvudbok(data: bytes, mapping: Mapping, path: str = "<huvudbok>") -> list[SourceRow]:
    """All transaction rows of the export, debit positive."""
    records = _xlsx_records(data, mapping, path) if mapping.format == "xlsx" else _csv_records(data, mapping, path)
    return list(_source_rows(records, mapping, path))


# --- From records to rows -------------------------------------------------


class _Layout(NamedTuple):
    """Where each mapped column is in the file (0-based cell index)."""

    fields: dict[str, int]  # Columns field → index, for the mapped ones
    headers: dict[str, str]  # Columns field → the header as the file spells it
    dimensions: tuple[tuple[str, int], ...]  # (dimension name, index)
    width: int  # cells in the header row


def _source_rows(records: Iterable[Record], mapping: Mapping, path: str) -> Iterator[SourceRow]:
    records = iter(records)
    line, header = _header(records, mapping, path)
    layout = _layout(header, line, mapping, path)
    numbers = _NumberFormat(mapping.decimaltecken, mapping.tusentalsavgransare)
    check_width = mapping.format == "csv"  # a CSV value can hold the delimiter; an XLSX cell cannot
    for line, cells in records:
        if all(_cell_text(cell) == "" for cell in cells):
            continue
        try:
            if check_width:
                _check_width(cells, layout)
            yield _source_row(cells, line, layout, numbers, mapping)
        except _Invalid as err:
            raise SourceError(path, line, str(err)) from None


def _header(records: Iterator[Record], mapping: Mapping, path: str) -> Record:
    for line, cells in records:
        if line >= mapping.rubrikrad:
            return line, cells
    raise SourceError(path, 0, (
        f"Filen har ingen rubrikrad: rad {mapping.rubrikrad} finns inte. "
        f"Kontrollera att det är rätt fil, eller rubrikrad i mappningen {mapping.path}."))


def _layout(header: Sequence[Any], line: int, mapping: Mapping, path: str) -> _Layout:
    columns = {field: name for field, name in mapping.kolumner._asdict().items() if name}
    wanted = [*columns.values(), *(name for _, name in mapping.dimensioner)]
    index = _header_index([_cell_text(cell) for cell in header], wanted, line, mapping, path)
    return _Layout(
        fields={field: index[name.casefold()] for field, name in columns.items()},
        headers=columns,
        dimensions=tuple((dimension, index[name.casefold()]) for dimension, name in mapping.dimensioner),
        width=len(header),
    )


def _header_index(found: list[str], wanted: list[str], line: int, mapping: Mapping, path: str) -> dict[str, int]:
    """Each header's position (case-folded); refuses a wanted header missing or repeated."""
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(found):
        positions.setdefault(name.casefold(), []).append(index)
    missing = [name for name in wanted if name.casefold() not in positions]
    if missing:
        shown = ", ".join(f"'{name}'" for name in found if name) or "inga"
        raise SourceError(path, line, (
            f"Rubrikraden saknar {_listing(missing)} som mappningen {mapping.path} anger. Kolumner i filen: {shown}. "
            "Rätta [kolumner] eller [dimensioner] i mappningen, eller rubrikrad om rubrikerna står på en annan rad."))
    for name in wanted:
        if len(indexes := positions[name.casefold()]) > 1:
            letters = " och ".join(get_column_letter(i + 1) for i in indexes)
            raise SourceError(path, line, f"Kolumnen '{name}' finns flera gånger i rubrikraden (kolumn {letters}); byt namn på den som inte ska läsas.")
    return {name: indexes[0] for name, indexes in positions.items()}


def _listing(names: list[str]) -> str:
    quoted = [f"'{name}'" for name in names]
    if len(quoted) == 1:
        return f"kolumnen {quoted[0]}"
    return f"kolumnerna {', '.join(quoted[:-1])} och {quoted[-1]}"


def _check_width(cells: Sequence[Any], layout: _Layout) -> None:
    """A CSV row wider than its header has split a value (e.g. an unquoted decimal comma)."""
    if any(_cell_text(cell) for cell in cells[layout.width:]):
        raise _Invalid(
            f"Raden har {len(cells)} fält men rubrikraden {layout.width}: ett värde innehåller troligen avgränsaren, "
            "t.ex. ett belopp med decimalkomma i en kommaseparerad fil. Exportera med semikolon som avgränsare, "
            "eller med citattecken kring värdena, och kontrollera avgransare i mappningen.")


def _source_row(cells: Sequence[Any], line: int, layout: _Layout, numbers: _NumberFormat, mapping: Mapping) -> SourceRow:
    def cell(field: str) -> Any:
        index = layout.fields.get(field)
        return cells[index] if index is not None and index < len(cells) else None

    def number(field: str) -> Decimal | None:
        return numbers.parse(cell(field), layout.headers[field]) if field in layout.fields else None

    konto = _konto(cell("konto"), layout.headers["konto"])  # first: a summary row lacks it
    objekt = tuple((name, value) for name, index in layout.dimensions
                   if (value := _cell_text(cells[index] if index < len(cells) else None)))
    return SourceRow(
        date=_date(cell("datum"), layout.headers["datum"], mapping.datumformat),
        konto=konto,
        objekt=objekt,
        amount=_amount(number, mapping),
        text=_cell_text(cell("text")),
        ver=_cell_text(cell("verifikation")) or None,
        line=line,
        quantity=number("kvantitet"),
    )


def _amount(number: Callable[[str], Decimal | None], mapping: Mapping) -> Decimal:
    """Debit positive, from belopp (flipped if kredit-positiv) or debet − kredit."""
    if mapping.kolumner.belopp:
        amount = number("belopp")
        if amount is None:
            raise _Invalid(f"Beloppet saknas i kolumnen '{mapping.kolumner.belopp}'. Fyll i det, eller ta bort raden om den inte hör till huvudboken.")
        return 0 - amount if mapping.tecken == "kredit-positiv" else amount
    debet, kredit = number("debet"), number("kredit")
    if debet is None and kredit is None:
        raise _Invalid(
            f"Beloppet saknas: både '{mapping.kolumner.debet}' och '{mapping.kolumner.kredit}' är tomma. "
            "Fyll i det, eller ta bort raden om den inte hör till huvudboken.")
    return (debet or 0) - (kredit or 0)


def _konto(value: Any, column: str) -> str:
    konto = _cell_text(value)
    if not konto:
        raise _Invalid(
            f"Kontot saknas i kolumnen '{column}'. Om raden är en summarad, exportera utan summor "
            "eller ta bort raden; annars fyll i kontot.")
    if not (konto.isascii() and konto.isdigit()):
        raise _Invalid(f"Kontot '{konto}' i kolumnen '{column}' är inte ett kontonummer (bara siffror). Kontrollera att [kolumner] konto pekar på rätt kolumn.")
    return konto


def _date(value: Any, column: str, formats: tuple[str, ...]) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _cell_text(value)
    if not text:
        raise _Invalid(f"Datumet saknas i kolumnen '{column}'.")
    date = _parse_date(text, formats)
    if date is None:
        shown = " eller ".join(f'"{f}"' for f in formats)
        raise _Invalid(
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


def _cell_text(value: Any) -> str:
    """A cell as trimmed text; codes stay as written ("0510"), whole XLSX numbers lose their ".0"."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    return str(value)


class _NumberFormat:
    """Amounts as the export writes them: "−1 234,56", "1.234,56", "(1 234,56)", "1234,56-"."""

    def __init__(self, decimal: str, thousands: str) -> None:
        self.decimal, self.thousands = decimal, thousands
        separators = SPACES if thousands == " " else thousands
        grouped = rf"\d{{1,3}}(?:[{re.escape(separators)}]\d{{3}})+|" if thousands else ""
        self.pattern = re.compile(rf"(?P<whole>{grouped}\d+)?(?:{re.escape(decimal)}(?P<fraction>\d+))?")
        self.without_separators = str.maketrans("", "", separators)

    def parse(self, value: Any, column: str) -> Decimal | None:
        """None for an empty cell."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return Decimal(value) if isinstance(value, int) else Decimal(format(value, ".15g"))
        text = _cell_text(value)
        if not text:
            return None
        number = self._parse_text(text) if isinstance(value, str) else None
        if number is None:
            separator = f"tusentalsavgränsare '{self.thousands}'" if self.thousands else "utan tusentalsavgränsare"
            raise _Invalid(
                f"Värdet '{text}' i kolumnen '{column}' är inte ett tal med decimaltecken '{self.decimal}' och {separator} "
                f"(t.ex. -1{self.thousands}234{self.decimal}56). Rätta värdet, eller decimaltecken och tusentalsavgransare i mappningen.")
        return number

    def _parse_text(self, text: str) -> Decimal | None:
        """The number, or None if the text is not one."""
        parenthesised = text.startswith("(") and text.endswith(")")
        if parenthesised:
            text = text[1:-1].strip()
        sign, text = _split_sign(text)
        match = self.pattern.fullmatch(text)
        if not text or not match or (parenthesised and sign < 0):
            return None
        whole = (match["whole"] or "0").translate(self.without_separators)
        number = Decimal(f"{whole}.{match['fraction']}" if match["fraction"] else whole)
        return 0 - number if parenthesised or sign < 0 else number


def _split_sign(text: str) -> tuple[int, str]:
    """A leading sign ("-", "−", "+") or a trailing minus, and the rest."""
    if text[:1] and text[0] in MINUSES + "+":
        return (1 if text[0] == "+" else -1), text[1:].lstrip()
    if text[-1:] and text[-1] in MINUSES:
        return -1, text[:-1].rstrip()
    return 1, text


# --- CSV ----------------------------------------------------------------------


def _csv_records(data: bytes, mapping: Mapping, path: str) -> Iterator[Record]:
    if data.startswith(ZIP_MAGIC):
        raise SourceError(path, 0, f'Filen är en XLSX-arbetsbok, men mappningen {mapping.path} anger format = "csv". Använd en mappning för xlsx, eller spara filen som CSV.')
    text = _decode(data, mapping, path)
    delimiter = _delimiter(text, mapping, path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise SourceError(path, start, (
                f"Raden kan inte läsas som CSV ({err}). Kontrollera citattecknen: ett värde som börjar med \" "
                'ska sluta med " före avgränsaren, och citattecken inuti värdet skrivs dubbla ("").')) from None
        yield start, cells
        start = reader.line_num + 1


def _decode(data: bytes, mapping: Mapping, path: str) -> str:
    if mapping.kodning == AUTO:
        return _decode_auto(data, path)
    encoding = "utf-8-sig" if mapping.kodning == "utf-8" else mapping.kodning
    text = _decode_as(data, encoding, mapping, path)
    if not encoding.startswith("utf") and _is_utf8(data):
        raise SourceError(path, 0, (
            f'Filen är sparad som UTF-8, men mappningen {mapping.path} anger kodning = "{mapping.kodning}", '
            'så å, ä och ö skulle bli fel. Ange kodning = "utf-8" (eller "auto").'))
    if "\x00" in text:
        raise SourceError(path, 0, (
            f'Filen innehåller nolltecken och är troligen UTF-16 (Excels "Unicode-text"). '
            f'Ange kodning = "utf-16" i mappningen {mapping.path}.'))
    return text


def _decode_auto(data: bytes, path: str) -> str:
    """UTF-16 by its BOM, else UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as err:
            error = err
    raise SourceError(path, _line_of(data, error.start), (
        f"Filen går inte att läsa som {' eller '.join(encodings)} (byte 0x{data[error.start]:02X}). "
        'Ange filens kodning i mappningen, t.ex. kodning = "iso-8859-1".'))


def _decode_as(data: bytes, encoding: str, mapping: Mapping, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        suggestion = next((name for name, codec in (("utf-8", "utf-8-sig"), ("cp1252", "cp1252")) if codec != encoding and _decodes(data, codec)), None)
        advice = f'Filen ser ut att vara {suggestion}: ange kodning = "{suggestion}"' if suggestion else 'Ange rätt kodning'
        raise SourceError(path, _line_of(data, err.start), (
            f'Filen går inte att läsa med kodning = "{mapping.kodning}" (byte 0x{data[err.start]:02X}). '
            f"{advice} i mappningen {mapping.path}, eller \"auto\".")) from None


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
        return True
    except UnicodeDecodeError:
        return False


def _is_utf8(data: bytes) -> bool:
    """True for text with non-ASCII characters that is valid UTF-8 (which 8-bit text almost never is)."""
    return not data.isascii() and _decodes(data, "utf-8")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _delimiter(text: str, mapping: Mapping, path: str) -> str:
    """The mapping's delimiter, or the one most used in the header line outside quotes."""
    if mapping.avgransare != AUTO:
        return mapping.avgransare
    line = next(itertools.islice(io.StringIO(text, newline=""), mapping.rubrikrad - 1, None), None)
    if line is None:
        return SNIFFED_DELIMITERS[0]  # no header line: reported as such
    unquoted = re.sub(r'"[^"]*"', "", line)
    best = max(SNIFFED_DELIMITERS, key=unquoted.count)
    if not unquoted.count(best):
        raise SourceError(path, mapping.rubrikrad, (
            "Avgränsaren kan inte avgöras: rubrikraden har varken semikolon, tabb eller komma. "
            f"Ange avgransare i mappningen {mapping.path}, eller rubrikrad om rubrikerna står på en annan rad."))
    return best


# --- XLSX ---------------------------------------------------------------------


def _xlsx_records(data: bytes, mapping: Mapping, path: str) -> Iterator[Record]:
    workbook = _open_workbook(data, mapping, path)
    try:
        sheet = _sheet(workbook, mapping, path)
        sheet.reset_dimensions()  # some writers state a wrong size; read what is there
        yield from enumerate(sheet.iter_rows(values_only=True), 1)
    except XLSX_ERRORS as err:
        raise SourceError(path, 0, f"Arbetsboken är skadad och kan inte läsas ({type(err).__name__}: {err}). Spara om den i Excel.") from None
    finally:
        workbook.close()


def _open_workbook(data: bytes, mapping: Mapping, path: str):
    if data.startswith(OLE_MAGIC):
        raise SourceError(path, 0, "Filen är inte en XLSX-arbetsbok utan en äldre Excel-fil (.xls). Öppna den i Excel och spara som .xlsx.")
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except XLSX_ERRORS:
        raise SourceError(path, 0, (
            f'Filen är inte en XLSX-arbetsbok, men mappningen {mapping.path} anger format = "xlsx". '
            "Spara filen som Excel-arbetsbok (.xlsx), eller använd en mappning för CSV.")) from None


def _sheet(workbook, mapping: Mapping, path: str):
    sheets = {sheet.title: sheet for sheet in workbook.worksheets}
    if not sheets:
        raise SourceError(path, 0, "Arbetsboken har inga kalkylblad.")
    if mapping.blad is None:
        return next(iter(sheets.values()))
    if mapping.blad not in sheets:
        raise SourceError(path, 0, (
            f"Bladet '{mapping.blad}' finns inte i arbetsboken; där finns {', '.join(repr(t) for t in sheets)}. "
            f"Rätta blad i mappningen {mapping.path}."))
    return sheets[mapping.blad]
