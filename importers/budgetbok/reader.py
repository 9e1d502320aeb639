"""A budget workbook (CSV or XLSX) into `BudgetRow`s.

The economists' internbudget: one row per verksamhet × konto (× ansvar), with
either a yearly amount or twelve monthly amounts, and optionally the name of the
periodisering key that spreads a yearly amount over the months:

    Verksamhet  Konto         Ansvar  Belopp         Nyckel
    5731        4610          2200    -12 000 000    jämn
    5731        3010          2200    1 500 000,50   semester
    5731        Kommunbidrag          10 500 000

Headers are matched trimmed and case-insensitively. The yearly column is
`Belopp`, `Helår` or `Årsbudget`; the months are `Jan` … `Dec`, `januari` …
`december` or `2026-01` … `2026-12`. When a sheet has both, the yearly cell (if
filled in) must equal the sum of the months. Other columns (Kontonamn, Kommentar …)
are ignored, as are rows above the header (a title): the header is the first row
with a `Verksamhet` column.

Signs are the committee's, as economists write budgets: intäkter and kommunbidrag
positive, kostnader negative. The reader returns the amounts as written; turning
them into ledger signs happens elsewhere. An empty amount cell reads as zero.

Skipped: empty rows, and total rows (verksamhet or konto starting with "Summa" or
"Totalt"). Codes are text and keep leading zeros ("010"); a numeric XLSX cell
reads as its whole number ("5731"), so a code Excel holds as a number has already
lost its leading zeros. Konto is digits, or "Kommunbidrag" (any case).

The format is told by content: XLSX if the bytes are a zip archive, else CSV
(UTF-8 with or without BOM, else cp1252; delimiter ; , or tab sniffed from the
first line; decimal comma, thousands grouped by space or point, minus as "-", "−",
a trailing "-" or parentheses). Every error is a `SourceError` naming the CSV line
or XLSX row and what to do, in Swedish.

The file is read by `namndbok.importers.tabell`. The second half of this module (the
table and its header, numbers, months, total and repeated rows) is shared with
`namndbok.importers.volymer.reader`.
"""

from __future__ import annotations

import datetime
import functools
import re
from decimal import Decimal
from typing import Any, Callable, Hashable, Iterable, NamedTuple, Sequence, TypeVar

from namndbok.importers.model import SourceError
from namndbok.importers.tabell import (
    OLE_MAGIC,
    SNIFFED_DELIMITERS,
    ZIP_MAGIC,
    Column,
    Header,
    Invalid,
    NumberFormat,
    Table,
    cell_at,
    convert_rows,
    csv_table,
    decode_auto,
    read_number,
    sniff_delimiter,
    text_at,
    xlsx_table,
)
from namndbok.swedish import MONTHS, MONTHS_SHORT

KOMMUNBIDRAG = "Kommunbidrag"
ZERO = Decimal(0)


VERKSAMHET = Column("Verksamhet", ("verksamhet",))  # shared with the volume reader
ANSVAR = Column("Ansvar", ("ansvar",))
KONTO = Column("Konto", ("konto",))
YEAR_AMOUNT = Column("Belopp", ("belopp", "helår", "årsbudget"))
NYCKEL = Column("Nyckel", ("nyckel",))


class BudgetRow(NamedTuple):
    """One budget row, amounts as written: intäkter positive, kostnader negative."""

    verksamhet: str
    konto: str  # digits, or "Kommunbidrag"
    ansvar: str | None
    year_amount: Decimal  # the sum of the months when monthly
    months: tuple[Decimal, ...] | None  # twelve, when the sheet is monthly
    nyckel: str | None  # a periodisering key name, e.g. "jämn"
    line: int  # CSV line or XLSX row, 1-based


def read_budget_workbook(data: bytes, path: str, sheet: str | None = None) -> list[BudgetRow]:
    """Every budget row of the file; `sheet` picks an XLSX sheet (default: the first)."""
    table = read_table(data, path, sheet)
    header = read_header(table)
    layout = _budget_layout(header)
    rows = convert_rows(table, header, functools.partial(_budget_rows, layout), WIDER_ROW_ADVICE)
    return refuse_repeats(rows, _budget_key, _describe_budget_key, path)


# --- Budget rows ----------------------------------------------------------------


class _BudgetLayout(NamedTuple):
    """Where each column is (0-based cell index)."""

    verksamhet: int
    konto: int
    ansvar: int | None
    year: int | None
    months: tuple[int, ...] | None  # January … December
    nyckel: int | None
    names: tuple[str, ...]  # the headers as written, for messages


def _budget_layout(header: Header) -> _BudgetLayout:
    verksamhet, konto = header.require(VERKSAMHET, KONTO)
    year, months = header.find(YEAR_AMOUNT), _budget_months(header)
    if year is None and months is None:
        raise header.error(
            "Rubrikraden har varken en kolumn för helårsbeloppet ('Belopp', 'Helår' eller 'Årsbudget') "
            f"eller tolv månadskolumner (Jan … Dec eller 2026-01 … 2026-12). Kolumner i filen: {header.shown()}. "
            "Lägg till den ena eller de andra.")
    return _BudgetLayout(verksamhet, konto, header.find(ANSVAR), year, months, header.find(NYCKEL), header.names)


def _budget_months(header: Header) -> tuple[int, ...] | None:
    """The cells of January … December, or None for a yearly sheet; refuses some months, or two years."""
    columns = month_columns(header)
    if not columns:
        return None
    refuse_repeated_months(header, ((month, index) for index, _, month in columns))
    years = sorted({year for _, year, _ in columns if year is not None})
    if len(years) > 1:
        raise header.error(
            f"Månadskolumnerna gäller olika år ({', '.join(map(str, years))}); en budget gäller ett kalenderår. "
            "Ta bort kolumnerna för det andra året.")
    by_month = {month: index for index, _, month in columns}
    missing = [MONTHS_SHORT[month - 1].capitalize() for month in range(1, 13) if month not in by_month]
    if missing:
        raise header.error(
            f"Rubrikraden har månadskolumner men saknar {', '.join(missing)}: en månadsbudget behöver alla tolv "
            "månaderna. Lägg till dem, eller ta bort månadskolumnerna och ange helårsbeloppet i 'Belopp'.")
    return tuple(by_month[month] for month in range(1, 13))


def _budget_rows(layout: _BudgetLayout, line: int, cells: Sequence[Any]) -> tuple[BudgetRow, ...]:
    verksamhet, konto = text_at(cells, layout.verksamhet), text_at(cells, layout.konto)
    if is_total_row(verksamhet, konto):
        return ()
    verksamhet = required_text(verksamhet, layout.names[layout.verksamhet], "Verksamheten")
    konto = _konto(konto, layout.names[layout.konto])
    months = _months(cells, layout)
    return (BudgetRow(
        verksamhet=verksamhet,
        konto=konto,
        ansvar=text_at(cells, layout.ansvar) or None,
        year_amount=_year_amount(cells, layout, months),
        months=months,
        nyckel=text_at(cells, layout.nyckel) or None,
        line=line,
    ),)


def _konto(konto: str, column: str) -> str:
    konto = required_text(konto, column, "Kontot")
    if konto.casefold() == KOMMUNBIDRAG.casefold():
        return KOMMUNBIDRAG
    if not (konto.isascii() and konto.isdigit()):
        raise Invalid(
            f"Kontot '{konto}' i kolumnen '{column}' är varken ett kontonummer (bara siffror) eller "
            f"'{KOMMUNBIDRAG}'. Rätta kontot; står kontots namn här, flytta det till en egen kolumn.")
    return konto


def _months(cells: Sequence[Any], layout: _BudgetLayout) -> tuple[Decimal, ...] | None:
    if layout.months is None:
        return None
    return tuple(_amount(cells, index, layout) for index in layout.months)


def _year_amount(cells: Sequence[Any], layout: _BudgetLayout, months: tuple[Decimal, ...] | None) -> Decimal:
    """The yearly amount; on a monthly sheet the months' sum, which a filled-in yearly cell must equal."""
    if months is None:
        return _amount(cells, layout.year, layout)
    total = sum(months, ZERO)
    written = None if layout.year is None else cell_number(cell_at(cells, layout.year), layout.names[layout.year])
    if written is not None and written != total:
        column = layout.names[layout.year]
        raise Invalid(
            f"'{column}' är {swedish_number(written)} men månaderna summerar till {swedish_number(total)}. "
            f"Rätta beloppet eller månaderna, eller töm '{column}'.")
    return total


def _amount(cells: Sequence[Any], index: int, layout: _BudgetLayout) -> Decimal:
    number = cell_number(cell_at(cells, index), layout.names[index])
    return ZERO if number is None else number


def _budget_key(row: BudgetRow) -> tuple[str, str, str | None]:
    return row.verksamhet, row.konto, row.ansvar


def _describe_budget_key(row: BudgetRow) -> str:
    ansvar = f" och ansvar {row.ansvar}" if row.ansvar else " utan ansvar"
    return f"verksamhet {row.verksamhet}, konto {row.konto}{ansvar}"


# --- Shared with the volume reader: the table, its header, numbers, months ---

T = TypeVar("T", bound=tuple)
NUMBER_FORMATS = (NumberFormat(",", " "), NumberFormat(",", "."))  # "−1 234,56" and "1.234,56"
TOTAL_PREFIXES = ("summa", "totalt")
# How to fix a file that cannot be read: the economists save these files themselves.
SAVE_AS_XLSX_OR_CSV = "Spara filen som Excel-arbetsbok (.xlsx), eller som CSV med rubrikraden (Verksamhet …) på första raden."
WIDER_ROW_ADVICE = "Spara filen med semikolon som avgränsare, eller med citattecken kring värdena."
NUMBER_ADVICE = "Skriv det med decimalkomma, t.ex. -1 234,56, 1.234,56 eller (1 234,56)."
_NEITHER = "Filen är varken en XLSX-arbetsbok eller en CSV-fil. "
_NOT_A_WORKBOOK = (
    "Filen är en zip-fil men ingen XLSX-arbetsbok (kanske .ods eller .docx). "
    "Spara den i Excel som arbetsbok (.xlsx), eller som CSV.")


def read_table(data: bytes, path: str, sheet: str | None = None) -> Table:
    """The records of an XLSX workbook (zip bytes) or else a CSV file; `sheet` is for XLSX only."""
    if data.startswith(ZIP_MAGIC):
        return xlsx_table(data, path, sheet, _NOT_A_WORKBOOK, "Ange ett av dem.")
    _refuse_non_csv(data, path)
    text = decode_auto(data, path, "Spara filen som CSV med kodningen UTF-8, eller som Excel-arbetsbok (.xlsx).")
    return csv_table(text, sniff_delimiter(text, 1, path, SAVE_AS_XLSX_OR_CSV), path)


def _refuse_non_csv(data: bytes, path: str) -> None:
    """Refuse what is neither a workbook nor delimited text: empty, .xls, binary, no delimiter."""
    if not data.strip():
        raise SourceError(path, 0, "Filen är tom. Kontrollera att det är rätt fil.")
    if data.startswith(OLE_MAGIC):
        raise SourceError(path, 0, "Filen är en äldre Excel-fil (.xls). Öppna den i Excel och spara som arbetsbok (.xlsx).")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text has a BOM
        raise SourceError(path, 0, _NEITHER + "Spara den som Excel-arbetsbok (.xlsx) eller som CSV.")
    first_line = data.split(b"\n", 1)[0]
    if not any(delimiter.encode() in first_line for delimiter in SNIFFED_DELIMITERS):
        raise SourceError(path, 1, _NEITHER + (
            f"Första raden har varken semikolon, komma eller tabb mellan kolumnerna. {SAVE_AS_XLSX_OR_CSV}"))


def read_header(table: Table) -> Header:
    """The first row with a Verksamhet column; without one the first non-empty row, for the message."""
    first = None
    for line, cells in table.records:
        header = Header.of(table.path, line, cells)
        if not any(header.names):
            continue
        if header.find(VERKSAMHET) is not None:
            return header
        first = first or header
    if first is None:
        raise SourceError(table.path, 0, "Filen är tom: den har ingen rubrikrad. Kontrollera att det är rätt fil (och rätt blad).")
    return first  # its caller's require() names what is missing


def month_columns(header: Header) -> list[tuple[int, int | None, int]]:
    """(cell index, year or None, month) of each header that names a month."""
    return [(index, *month) for index, name in enumerate(header.names) if (month := read_month(name))]


def refuse_repeated_months(header: Header, keyed: Iterable[tuple[Hashable, int]]) -> None:
    """Refuse two columns for the same month (key: whatever identifies a month to the caller)."""
    first: dict[Hashable, int] = {}
    for key, index in keyed:
        if (earlier := first.setdefault(key, index)) != index:
            raise header.error(f"Samma månad har två kolumner: {header.describe([earlier, index])}. Ta bort den ena.")


def refuse_repeats(rows: Iterable[T], key: Callable[[T], Hashable], describe: Callable[[T], str], path: str) -> list[T]:
    """The rows, refusing a second row with the same key (naming both lines)."""
    first_line: dict[Hashable, int] = {}
    result = []
    for row in rows:
        row_key = key(row)
        if row_key in first_line:
            raise SourceError(path, row.line, (
                f"Raden upprepar {describe(row)} från rad {first_line[row_key]}. "
                "Slå ihop raderna till en, eller rätta den som är fel."))
        first_line[row_key] = row.line
        result.append(row)
    return result


def required_text(text: str, column: str, what: str) -> str:
    if not text:
        raise Invalid(f"{what} saknas i kolumnen '{column}'. Fyll i värdet, eller ta bort raden om den inte hör hit.")
    return text


def is_total_row(*texts: str) -> bool:
    return any(text.casefold().startswith(TOTAL_PREFIXES) for text in texts)


def cell_number(value: Any, column: str) -> Decimal | None:
    """A cell's number (None if empty): an XLSX number, or text with decimal comma."""
    return read_number(value, column, NUMBER_FORMATS, NUMBER_ADVICE)


def swedish_number(number: Decimal) -> str:
    """A number as written in a message: decimal comma, no rounding."""
    return str(number).replace(".", ",")


_MONTH_NUMBERS = {name: number for names in (MONTHS, MONTHS_SHORT) for number, name in enumerate(names, 1)}
_NAMED_MONTH = re.compile(r"([^\W\d_]+)\.?(?:\s+(\d{4}))?")  # "mars", "Mar.", "mars 2026"
_NUMERIC_MONTH = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?|(\d{4})(\d{2})")  # 2026-03, 2026-03-31, 202603


@functools.lru_cache(maxsize=4096)
def read_month(text: str) -> tuple[int | None, int] | None:
    """(year or None, month) of a month's name or number; None if the text names no month."""
    text = text.strip().casefold()
    if match := _NAMED_MONTH.fullmatch(text):
        month = _MONTH_NUMBERS.get(match[1])
        return (int(match[2]) if match[2] else None, month) if month else None
    if match := _NUMERIC_MONTH.fullmatch(text):
        year, month, day = (match[1], match[2], match[3]) if match[1] else (match[4], match[5], None)
        return (int(year), int(month)) if _is_date(int(year), int(month), int(day or 1)) else None
    return None


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
        return True
    except ValueError:
        return False
