"""A table file (CSV or XLSX) as numbered records of cells, and the values in them.

Shared by the readers of huvudbok exports, budget workbooks and volume lists,
which each give their settings as plain values: the encoding, the delimiter, the
sheet, the header's line. Pure: bytes in, records and values out, or a
`SourceError` naming the file, the line (CSV line or XLSX row, 1-based, header
included) and what to do. What to do depends on the reader (a setting in a
mapping file, or how to save the file), so each `advice` parameter is the
sentence that ends a message, in Swedish like the rest of it.

Both formats become a `Table`: one stream of (line, cells). CSV is decoded in
one pass and read with the csv module, XLSX with openpyxl in read-only mode, so
a large file is read linearly. A value that cannot be read raises `Invalid`,
which `convert_rows` turns into a `SourceError` at its line.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import itertools
import re
import zipfile
import zlib
from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Sequence, TypeVar

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from namndbok.importers.model import SourceError

Record = tuple[int, Sequence[Any]]  # (line or row number, cells)
T = TypeVar("T")

SNIFFED_DELIMITERS = (";", "\t", ",")  # in order of preference when counts tie
SPACES = " \u00a0\u202f\u2009"  # space, no-break space, narrow no-break space, thin space
MINUSES = "-\u2212"  # hyphen-minus and the minus sign
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
# What openpyxl and zipfile raise for bytes that are no (sound) workbook; SyntaxError covers XML parse errors.
XLSX_ERRORS = (zipfile.BadZipFile, zlib.error, InvalidFileException, KeyError, ValueError, SyntaxError, EOFError, OSError)
# A sound workbook packed in a way zipfile cannot open: a compression method it lacks
# (NotImplementedError, found by atheris) or a password (RuntimeError "… is encrypted …").
PACKED = ("Arbetsboken är komprimerad eller krypterad på ett sätt som inte kan läsas. Öppna den i Excel och "
          "spara om den som .xlsx, utan lösenord.")


class Invalid(Exception):
    """A value that cannot be read; the message says why, the caller adds file and line."""


class Table(NamedTuple):
    """A CSV file or an XLSX sheet as (line, cells) records, read once: header, then rows."""

    path: str
    records: Iterator[Record]
    is_csv: bool  # a CSV value can hold the delimiter and widen its row; an XLSX cell cannot


# --- Rows -----------------------------------------------------------------------


def convert_rows(table: Table, header: Header, convert: Callable[[int, Sequence[Any]], Iterable[T]], advice: str) -> Iterator[T]:
    """What `convert` makes of each non-empty record after the header; an `Invalid` becomes a `SourceError` at its line.

    A CSV row wider than the header is refused first (see `check_width`, which `advice` ends).
    """
    for line, cells in table.records:
        if is_empty(cells):
            continue
        try:
            if table.is_csv:
                check_width(cells, len(header.names), advice)
            yield from convert(line, cells)
        except Invalid as err:
            raise SourceError(table.path, line, str(err)) from None


def check_width(cells: Sequence[Any], width: int, advice: str) -> None:
    """Refuse a CSV row with values beyond its header's `width`: a value has split (e.g. an unquoted decimal comma)."""
    if any(cell_text(value) for value in cells[width:]):
        raise Invalid(
            f"Raden har {len(cells)} fält men rubrikraden {width}: ett värde innehåller troligen avgränsaren, "
            f"t.ex. ett belopp med decimalkomma i en kommaseparerad fil. {advice}")


def is_empty(cells: Sequence[Any]) -> bool:
    return not any(cell_text(value) for value in cells)


def cell_at(cells: Sequence[Any], index: int | None) -> Any:
    """The cell at `index`, None where the row is shorter (or there is no such column)."""
    return cells[index] if index is not None and index < len(cells) else None


def text_at(cells: Sequence[Any], index: int | None) -> str:
    return cell_text(cell_at(cells, index))


def cell_text(value: Any) -> str:
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


# --- The header -----------------------------------------------------------------


class Column(NamedTuple):
    """A column a reader looks for: its name in messages, and the headers that mean it."""

    name: str
    aliases: tuple[str, ...]  # case-folded

    @classmethod
    def named(cls, name: str) -> Column:
        """The column with just this header (any case)."""
        return cls(name, (name.casefold(),))


class Header(NamedTuple):
    """The header row: where the columns are. Headers match trimmed and case-insensitively."""

    path: str
    line: int
    names: tuple[str, ...]  # trimmed, as written

    @classmethod
    def of(cls, path: str, line: int, cells: Sequence[Any]) -> Header:
        return cls(path, line, tuple(cell_text(value) for value in cells))

    def error(self, message: str) -> SourceError:
        return SourceError(self.path, self.line, message)

    def shown(self) -> str:
        """The headers as a message lists them: 'Datum', 'Konto' (or "inga")."""
        return ", ".join(f"'{name}'" for name in self.names if name) or "inga"

    def indexes(self, column: Column) -> list[int]:
        """The cell index of every header that means the column."""
        return [index for index, name in enumerate(self.names) if name.casefold() in column.aliases]

    def find(self, column: Column) -> int | None:
        """The column's cell index, None if absent; refuses two columns that mean it."""
        found = self.indexes(column)
        if len(found) > 1:
            raise self.error(
                f"Rubrikraden har flera kolumner för '{column.name}': {self.describe(found)}. "
                "Behåll en av dem, eller byt namn på den som inte ska läsas.")
        return found[0] if found else None

    def require(self, *columns: Column, advice: str = "Lägg till det som saknas, eller rätta rubriken om den är felstavad.") -> tuple[int, ...]:
        """The cell index of each column; refuses those missing, naming them and the columns found, then `advice`."""
        found = [self.find(column) for column in columns]
        missing = [column.name for column, index in zip(columns, found) if index is None]
        if missing:
            raise self.error(f"Rubrikraden saknar {column_list(missing)}. Kolumner i filen: {self.shown()}. {advice}")
        return tuple(found)

    def describe(self, indexes: Iterable[int]) -> str:
        """Columns as a message names them: 'Jan' (kolumn C) och '2026-01' (kolumn O)."""
        return " och ".join(f"'{self.names[index]}' (kolumn {column_letter(index)})" for index in indexes)


def column_list(names: Sequence[str]) -> str:
    """"kolumnen 'A'", or "kolumnerna 'A', 'B' och 'C'"."""
    quoted = [f"'{name}'" for name in names]
    if len(quoted) == 1:
        return f"kolumnen {quoted[0]}"
    return f"kolumnerna {', '.join(quoted[:-1])} och {quoted[-1]}"


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based cell index: 0 → "A"."""
    return get_column_letter(index + 1)


# --- Numbers --------------------------------------------------------------------


class NumberFormat:
    """Numbers as text writes them, e.g. "−1 234,56", "1.234,56", "(1 234,56)", "1234,56-"."""

    def __init__(self, decimal: str, thousands: str) -> None:
        """`thousands` "" for none; " " also accepts the no-break, narrow and thin spaces."""
        self.decimal, self.thousands = decimal, thousands
        separators = SPACES if thousands == " " else thousands
        grouped = rf"\d{{1,3}}(?:[{re.escape(separators)}]\d{{3}})+|" if thousands else ""
        self.pattern = re.compile(rf"(?P<whole>{grouped}\d+)?(?:{re.escape(decimal)}(?P<fraction>\d+))?")
        self.without_separators = str.maketrans("", "", separators)

    def read(self, text: str) -> Decimal | None:
        """The number the (trimmed, non-empty) text writes, or None if it writes none in this format."""
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

    def describe(self) -> str:
        """The format as a message names it, with an example."""
        separator = f"tusentalsavgränsare '{self.thousands}'" if self.thousands else "utan tusentalsavgränsare"
        return f"decimaltecken '{self.decimal}' och {separator} (t.ex. -1{self.thousands}234{self.decimal}56)"


def read_number(value: Any, column: str, formats: Sequence[NumberFormat], advice: str) -> Decimal | None:
    """A cell's number, None if empty: an XLSX number as it is, text in the first of `formats` that reads it.

    Anything else is `Invalid`; the message names the format when there is one
    (with several, `advice` should show them) and ends with `advice`.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(value) if isinstance(value, int) else Decimal(format(value, ".15g"))
    text = cell_text(value)
    if not text:
        return None
    if isinstance(value, str):
        for number_format in formats:
            if (number := number_format.read(text)) is not None:
                return number
    expected = f" med {formats[0].describe()}" if len(formats) == 1 else ""
    raise Invalid(f"Värdet '{text}' i kolumnen '{column}' är inte ett tal{expected}. {advice}")


def _split_sign(text: str) -> tuple[int, str]:
    """A leading sign ("-", "−", "+") or a trailing minus, and the rest."""
    if text[:1] and text[0] in MINUSES + "+":
        return (1 if text[0] == "+" else -1), text[1:].lstrip()
    if text[-1:] and text[-1] in MINUSES:
        return -1, text[:-1].rstrip()
    return 1, text


# --- CSV ------------------------------------------------------------------------


def csv_table(text: str, delimiter: str, path: str) -> Table:
    """The records of decoded CSV text, each numbered by the line it starts on (a quoted value can span lines)."""
    return Table(path, _csv_records(text, delimiter, path), is_csv=True)


def _csv_records(text: str, delimiter: str, path: str) -> Iterator[Record]:
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


def decode_auto(data: bytes, path: str, advice: str) -> str:
    """CSV bytes as text: UTF-16 by its BOM, else UTF-8 (with or without BOM), else Windows-1252.

    `advice` ends the message for bytes none of them reads.
    """
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
        f"Filen går inte att läsa som {' eller '.join(encodings)} (byte 0x{data[error.start]:02X}). {advice}"))


def decode_as(data: bytes, encoding: str, path: str, set_in: str) -> str:
    """CSV bytes as text in a given encoding (a Python codec name; "utf-8" drops a BOM).

    Refuses bytes the encoding cannot read, UTF-8 text given an 8-bit encoding (å,
    ä and ö would come out wrong) and text with NUL characters (UTF-16 given
    another encoding). The messages show the setting as `kodning = "…"`, with
    "auto" as the alternative, set in `set_in` (e.g. "mappningen huvudbok.toml").
    """
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as err:
        suggestion = _suggest_encoding(data, codec)
        advice = f'Filen ser ut att vara {suggestion}: ange kodning = "{suggestion}"' if suggestion else "Ange rätt kodning"
        raise SourceError(path, _line_of(data, err.start), (
            f'Filen går inte att läsa med kodning = "{encoding}" (byte 0x{data[err.start]:02X}). '
            f'{advice} i {set_in}, eller "auto".')) from None
    if not codec.startswith("utf") and _is_utf8(data):
        raise SourceError(path, 0, (
            f'Filen är sparad som UTF-8, men {set_in} anger kodning = "{encoding}", '
            'så å, ä och ö skulle bli fel. Ange kodning = "utf-8" (eller "auto").'))
    if "\x00" in text:
        raise SourceError(path, 0, (
            'Filen innehåller nolltecken och är troligen UTF-16 (Excels "Unicode-text"). '
            f'Ange kodning = "utf-16" i {set_in}.'))
    return text


def _suggest_encoding(data: bytes, failed: str) -> str | None:
    """UTF-8 or cp1252, whichever (other than the codec that failed) reads the bytes."""
    candidates = (("utf-8", "utf-8-sig"), ("cp1252", "cp1252"))
    return next((name for name, codec in candidates if codec != failed and _decodes(data, codec)), None)


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


def sniff_delimiter(text: str, header_line: int, path: str, advice: str) -> str:
    """The delimiter most used outside quotes in the header line (1-based): `SNIFFED_DELIMITERS`, ties to the first.

    Refuses a header line with none of them, ending the message with `advice`.
    """
    line = next(itertools.islice(io.StringIO(text, newline=""), header_line - 1, None), None)
    if line is None:
        return SNIFFED_DELIMITERS[0]  # no header line: the caller reports it as such
    unquoted = re.sub(r'"[^"]*"', "", line)
    best = max(SNIFFED_DELIMITERS, key=unquoted.count)
    if not unquoted.count(best):
        raise SourceError(path, header_line, (
            f"Avgränsaren kan inte avgöras: rubrikraden har varken semikolon, tabb eller komma. {advice}"))
    return best


# --- XLSX -----------------------------------------------------------------------


def xlsx_table(data: bytes, path: str, sheet: str | None, not_a_workbook: str, advice: str) -> Table:
    """The rows of an XLSX sheet (default: the first), numbered from 1; the workbook is read as they are.

    `not_a_workbook` is the message for bytes that are no workbook (the caller
    knows why it expected one); `advice` ends the message for a missing sheet.
    """
    return Table(path, _xlsx_records(data, path, sheet, not_a_workbook, advice), is_csv=False)


def _xlsx_records(data: bytes, path: str, sheet_name: str | None, not_a_workbook: str, advice: str) -> Iterator[Record]:
    workbook = _open_workbook(data, path, not_a_workbook)
    try:
        sheet = _sheet(workbook, sheet_name, path, advice)
        sheet.reset_dimensions()  # some writers state a wrong size; read what is there
        yield from enumerate(sheet.iter_rows(values_only=True), 1)
    except XLSX_ERRORS as err:
        raise SourceError(path, 0, f"Arbetsboken är skadad och kan inte läsas ({type(err).__name__}: {err}). Spara om den i Excel.") from None
    except (NotImplementedError, RuntimeError) as err:
        _refuse_packed(err, path)
    finally:
        workbook.close()


def _open_workbook(data: bytes, path: str, not_a_workbook: str):
    if data.startswith(OLE_MAGIC):
        raise SourceError(path, 0, "Filen är inte en XLSX-arbetsbok utan en äldre Excel-fil (.xls). Öppna den i Excel och spara som .xlsx.")
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except XLSX_ERRORS:
        raise SourceError(path, 0, not_a_workbook) from None
    except (NotImplementedError, RuntimeError) as err:
        _refuse_packed(err, path)


def _refuse_packed(err: Exception, path: str):
    """A workbook zipfile cannot unpack gets PACKED; any other RuntimeError is ours, not the file's."""
    if isinstance(err, NotImplementedError) or "encrypted" in str(err):
        raise SourceError(path, 0, PACKED) from None
    raise err


def _sheet(workbook, name: str | None, path: str, advice: str):
    sheets = {sheet.title: sheet for sheet in workbook.worksheets}
    if not sheets:
        raise SourceError(path, 0, "Arbetsboken har inga kalkylblad.")
    if name is None:
        return next(iter(sheets.values()))
    if name not in sheets:
        shown = ", ".join(f"'{title}'" for title in sheets)
        raise SourceError(path, 0, f"Bladet '{name}' finns inte i arbetsboken; där finns {shown}. {advice}")
    return sheets[name]
