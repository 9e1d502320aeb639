"""Read SIE files (types 1–4; 4E full exports `.SE` and 4I import files `.SI`).

`parse_sie` turns a file's bytes into a `SieFile`: header, chart of accounts,
dimensions and objects, the control totals (#IB/#UB/#RES, #OIB/#OUB,
#PSALDO/#PBUDGET) and the vouchers with their rows as `SourceRow`s. It is pure
and linear in the file's size. A file it cannot read faithfully is refused with
a `SourceError` naming the line and saying, in Swedish, what is wrong and what
to do. Harmless faults in descriptive fields (a missing SRU code, an empty
company name, an odd #TAXAR) do not stop the import; they are listed in
`SieFile.warnings`.

Decisions, checked against the SIE 4 specification (4B) and the real files in
shared/sie:

* Character set: UTF-8 when the bytes are valid UTF-8 (a BOM is dropped);
  otherwise IBM CP437 (what `#FORMAT PC8` declares), unless the bytes of the
  Swedish letters å ä ö Å Ä Ö in ISO 8859-1/15 (E5 E4 F6 C5 C4 D6) outnumber
  those in CP437 (86 84 94 8F 8E 99): then ISO 8859-15. Exports in the wild
  say `#FORMAT PC8` even when they are ISO 8859-15 (BLBLOV_SIE4_ISO_8859_15),
  so the bytes decide, not the label (and a PC8 label on other bytes is warned
  about). A file that is not UTF-8 as a whole but has lines that are (pieced
  together from two sources) is read line by line, with a warning naming them.
* #PSALDO is the account's *change during the period* (not the balance so far,
  and not including #IB): in the real BL Administration exports the year-0
  periods of each account sum to #UB − #IB (balance accounts) or #RES (result
  accounts), and a period without bookings has 0.00. `PSALDO_CUMULATIVE` says
  so to readers that turn period balances into rows. The same files label the
  previous year's periods with årsnr 0 too, so the control check only uses
  periods inside #RAR 0.
* #RTRANS (a row added after registration) is followed by a #TRANS copy for
  old readers: the row counts once. The copy is the #TRANS right after it with
  the same account, objects and amount, whatever its date (BL writes the
  change's date on the #RTRANS and the voucher's on the copy; the same
  company's type 3 export books the amount in the copy's month). #BTRANS (a
  row struck after registration) is validated but not part of the voucher;
  `Voucher.removed` counts them.
* #KSUMMA: the specification's CRC-32 (polynomial 0xEDB88320, start and final
  XOR 0xFFFFFFFF, i.e. zlib's crc32) over every record between the opening
  `#KSUMMA` and the closing `#KSUMMA value`, each record as its label and its
  fields' contents in CP437 without separating blanks, quotes or braces. The
  one real file with a checksum (Norstedts Bokslut, shared/sie/jsisie) matches
  without the `{`/`}` lines of voucher blocks; both readings are still accepted,
  since no other writer could be checked. A mismatch is a warning and
  is kept in `SieFile.checksum_error`: the import refuses the damaged file
  unless told to accept it (`namndbok import --godta-fel-ksumma`).
* Lenience, each with a warning naming the line: a voucher without rows
  (annulled) is skipped, and a name record (#KONTO, #OBJEKT, …) with an
  unmatched quote is read to the end of its line.

Speed: a million-row export is mostly lines like `#TRANS 4610 {1 "5731"} 123.45`.
Inside an open voucher block (no #KSUMMA running, no #RTRANS waiting for its
copy), a line that matches `_FAST_TRANS` — the label in capitals, a numeric
account, an object list already seen, a plain amount, optionally a transaction
date (or "") and a quoted text without braces or backslashes — is read from the
regular expression's groups; its fields are then exactly what the tokenizer
would have made of it. Every other line, including every faulty one, goes
through `tokenize` and the record handlers, so each message and line number is
the full reader's. `parse_sie(..., fast=False)` reads every line that way (the
reference the tests hold the fast path to). With `summed=True` the rows are not
kept one by one: they are summed per account, object list and month while
reading (`SieFile.summed`, each with its row count and first line), which is all
an aggregated import needs; the voucher balance check and the control totals
see every row either way (`SieFile.row_sums`).
"""

from __future__ import annotations

import datetime
import re
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from namndbok.importers.model import ControlTotal, SourceError, SourceRow
from namndbok.collector import collector_paused
from namndbok.periodisering import month_end

# #PSALDO holds the period's change, not the cumulative balance (see above).
PSALDO_CUMULATIVE = False

FIX = "Rätta exporten i ekonomisystemet och exportera filen på nytt."

Objects = tuple[tuple[str, str], ...]


class Voucher(NamedTuple):
    series: str
    number: str
    date: datetime.date
    text: str
    regdate: datetime.date | None
    sign: str
    line: int  # the #VER line
    rows: list[SourceRow]
    removed: int = 0  # #BTRANS rows: struck after registration, not part of the voucher


@dataclass(frozen=True)
class SieFile:
    path: str
    encoding: str
    sietyp: int | None = None
    format: str | None = None
    program: str | None = None
    gen: datetime.date | None = None
    fnamn: str | None = None
    orgnr: str | None = None
    kptyp: str | None = None
    flagga: int | None = None
    taxar: int | None = None
    ksumma: int | None = None
    rar: dict[int, tuple[datetime.date, datetime.date]] = field(default_factory=dict)
    konton: dict[str, str] = field(default_factory=dict)
    ktyp: dict[str, str] = field(default_factory=dict)
    sru: dict[str, str] = field(default_factory=dict)
    enhet: dict[str, str] = field(default_factory=dict)
    dims: dict[str, str] = field(default_factory=dict)
    underdim: dict[str, str] = field(default_factory=dict)  # underdimension → its parent dimension
    objekt: dict[tuple[str, str], str] = field(default_factory=dict)
    ib: list[ControlTotal] = field(default_factory=list)
    ub: list[ControlTotal] = field(default_factory=list)
    res: list[ControlTotal] = field(default_factory=list)
    oib: list[ControlTotal] = field(default_factory=list)
    oub: list[ControlTotal] = field(default_factory=list)
    psaldo: list[ControlTotal] = field(default_factory=list)
    pbudget: list[ControlTotal] = field(default_factory=list)
    vouchers: list[Voucher] = field(default_factory=list)  # with summed=True their rows are not kept
    warnings: list[str] = field(default_factory=list)  # "fil:rad: meddelande"
    row_count: int = 0  # voucher rows read (an #RTRANS and its #TRANS copy once, #BTRANS not)
    row_sums: dict[tuple[str, datetime.date], Decimal] = field(default_factory=dict)  # every row's amount per konto and date
    summed: list[SourceRow] | None = None  # with summed=True: the rows summed per konto, object list and month
    checksum_error: SourceError | None = None  # a #KSUMMA that does not match the file: the file is damaged
    rar_lines: dict[int, int] = field(default_factory=dict)  # årsnr → the line of its #RAR

    @cached_property
    def rows(self) -> list[SourceRow]:
        """All voucher rows, in file order (none with summed=True: see `summed`)."""
        return [row for voucher in self.vouchers for row in voucher.rows]


# ---------------------------------------------------------------- decoding

_SWEDISH_CP437 = b"\x86\x84\x94\x8f\x8e\x99"  # å ä ö Å Ä Ö
_SWEDISH_LATIN = b"\xe5\xe4\xf6\xc5\xc4\xd6"
_NOT_SWEDISH = bytes(byte for byte in range(256) if byte not in _SWEDISH_CP437 + _SWEDISH_LATIN)


def decode_sie(data: bytes) -> tuple[str, str]:
    """The file's text and the name of the encoding it was read with."""
    text, encoding, _ = decode_lines(data)
    return text, encoding


# A UTF-8 sequence for a Latin letter (å ä ö é ü …: C3 followed by 80–BF); in CP437 or ISO 8859 text it is rare.
_UTF8_LETTER = re.compile(rb"\xc3[\x80-\xbf]")


def decode_lines(data: bytes) -> tuple[str, str, list[tuple[int, str]]]:
    """The text, the encoding, and the lines (number, encoding) read in another encoding than the rest.

    A file that is not valid UTF-8 as a whole but has lines that are (an export pieced together from
    two sources) is read line by line: each line that is valid UTF-8 as UTF-8, the others as the file's
    8-bit encoding. Only files with such lines pay for it."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        return body.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    if _UTF8_LETTER.search(body) is None:
        encoding = "iso-8859-15" if _looks_latin(body) else "cp437"
        return body.decode(encoding), encoding, []
    lines = body.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    utf8: dict[int, str] = {}
    rest = []
    for index, line in enumerate(lines):
        if line.isascii():
            continue
        try:
            utf8[index] = line.decode("utf-8")
        except UnicodeDecodeError:
            rest.append(line)
    encoding = "iso-8859-15" if _looks_latin(b"\n".join(rest)) else "cp437"
    if not rest:
        return body.decode("utf-8", "replace"), "utf-8", []
    text = "\n".join(utf8[index] if index in utf8 else line.decode(encoding) for index, line in enumerate(lines))
    return text, f"{encoding}+utf-8", [(index + 1, "utf-8") for index in sorted(utf8)]


_ENCODING_NAMES = {"utf-8": "UTF-8", "cp437": "CP437 (PC8)", "iso-8859-15": "ISO 8859-15 (Latin-1)"}


def _looks_latin(data: bytes) -> bool:
    swedish = data.translate(None, _NOT_SWEDISH)  # one pass over the file; what is left is short
    cp437 = sum(swedish.count(byte) for byte in _SWEDISH_CP437)
    latin = sum(swedish.count(byte) for byte in _SWEDISH_LATIN)
    return latin > cp437


# ---------------------------------------------------------------- tokens

_ESCAPED_QUOTE, _ESCAPED_BACKSLASH = "\x00", "\x01"


class _Bad(Exception):
    """A problem with a record; the reader adds file and line."""


def tokenize(line: str, object_lists: dict[str, Objects] | None = None) -> list:
    """A record's fields: strings, and object lists as tuples of (dim, obj) pairs.

    Fields are separated by blanks; `"…"` quotes a field (with `\\"` and `\\\\`
    inside; a backslash before anything else is kept); `{…}` is an object list,
    its objects quoted or not. `object_lists` caches the parsed lists by their
    text, so that rows share them (a file has few distinct lists).
    """
    escaped = "\\" in line
    if escaped:
        line = line.replace("\\\\", _ESCAPED_BACKSLASH).replace('\\"', _ESCAPED_QUOTE)
        object_lists = None
    if line.count('"') % 2:
        raise _Bad(f"Ett citattecken (\") saknar sitt avslutande citattecken. {FIX}")
    tokens: list = []
    while "{" in line or "}" in line:
        start, end = _unquoted(line, "{"), _unquoted(line, "}")
        if start < 0 and end < 0:
            break  # braces inside quoted text only
        if start < 0 or 0 <= end < start:
            raise _Bad(f"En objektlista avslutas med }} men började aldrig med {{. {FIX}")
        if end < 0:
            raise _Bad(f"En objektlista ({{…}}) saknar sin avslutande }}. {FIX}")
        tokens += _split(line[:start], escaped)
        inner = line[start + 1:end]
        found = object_lists.get(inner) if object_lists is not None else None
        if found is None:
            found = _object_list(inner, escaped)
            if object_lists is not None:
                object_lists[inner] = found
        tokens.append(found)
        line = line[end + 1:]
    tokens += _split(line, escaped)
    return tokens


def _unquoted(text: str, char: str) -> int:
    """The position of the first `char` outside quotes, or -1."""
    position = text.find(char)
    while position > 0 and text.count('"', 0, position) % 2:
        position = text.find(char, position + 1)
    return position


def _split(text: str, escaped: bool) -> list[str]:
    """The fields of a text without object lists (quotes balanced)."""
    if '"' not in text:
        words = text.split()
    else:
        words = []
        for index, part in enumerate(text.split('"')):
            if index % 2:
                words.append(part)
            else:
                words += part.split()
    return [_unescape(word) for word in words] if escaped else words


def _unescape(text: str) -> str:
    return text.replace(_ESCAPED_BACKSLASH, "\\").replace(_ESCAPED_QUOTE, '"')


def _object_list(inner: str, escaped: bool) -> Objects:
    if _unquoted(inner, "{") >= 0:
        raise _Bad(f"En objektlista ({{…}}) börjar inne i en annan objektlista. {FIX}")
    items = _split(inner, escaped)
    if len(items) % 2:
        raise _Bad(f"Objektlistan {{{inner.strip()}}} har en dimension utan objekt; den ska bestå av par: dimension objekt. {FIX}")
    return tuple(zip(items[::2], items[1::2]))


def show_objects(objects: Objects) -> str:
    return "{" + " ".join(f'{dim} "{obj}"' for dim, obj in objects) + "}"


# ---------------------------------------------------------------- fields


def _text(token) -> str:
    if type(token) is not str:
        raise _Bad(f"Oväntad objektlista {show_objects(token)} där ett vanligt fält ska stå. {FIX}")
    return token


def _optional(fields: list, index: int) -> str:
    return _text(fields[index]) if index < len(fields) else ""


def _rest(fields: list, index: int) -> str:
    """The last field of a record; an unquoted name with blanks comes as several tokens."""
    return " ".join(_text(token) for token in fields[index:])


def _need(fields: list, count: int, usage: str) -> None:
    if len(fields) < count:
        raise _Bad(f"För få fält: posten ska se ut som {usage}. {FIX}")


def _is_digits(text) -> bool:
    return type(text) is str and text.isdigit() and text.isascii()


def parse_account(token) -> str:
    if _is_digits(token):
        return token
    if token == "":
        raise _Bad(f"Kontonummer saknas. {FIX}")
    raise _Bad(f'Kontonumret "{_shown(token)}" är inte ett nummer: ett konto anges med siffror, t.ex. 4610. {FIX}')


def parse_amount(token, what: str = "Beloppet") -> Decimal:
    """A decimal-point amount with an optional leading minus; nothing else."""
    if type(token) is str:
        digits = token[1:] if token[:1] == "-" else token
        whole, point, fraction = digits.partition(".")
        if whole.isdigit() and (fraction.isdigit() or not point) and digits.isascii():
            return Decimal(token)
    if token == "":
        raise _Bad(f"{what} saknas. {FIX}")
    if type(token) is str and "," in token:
        raise _Bad(f'{what} "{token}" har decimalkomma; SIE kräver decimalpunkt, t.ex. {token.replace(",", ".")}. {FIX}')
    raise _Bad(f'{what} "{_shown(token)}" är inget belopp: SIE kräver siffror med decimalpunkt och ev. inledande minus, t.ex. -1234.50. {FIX}')


def parse_date(token, what: str) -> datetime.date:
    if _is_digits(token) and len(token) == 8:
        try:
            return datetime.date(int(token[:4]), int(token[4:6]), int(token[6:]))
        except ValueError:
            raise _Bad(f'{what} {token} finns inte i kalendern. Ange ett giltigt datum (ÅÅÅÅMMDD). {FIX}') from None
    if token == "":
        raise _Bad(f"{what} saknas; SIE kräver ett datum ÅÅÅÅMMDD. {FIX}")
    compact = token.replace("-", "") if type(token) is str else ""
    if _is_digits(compact) and len(compact) == 8:
        raise _Bad(f'{what} "{token}" är skrivet med bindestreck; SIE kräver ÅÅÅÅMMDD, alltså {compact}. {FIX}')
    raise _Bad(f'{what} "{_shown(token)}" är inget datum; SIE kräver ÅÅÅÅMMDD, t.ex. 20250131. {FIX}')


def parse_year_number(token) -> int:
    """A #RAR årsnr: 0 this year, -1 the year before, …"""
    digits = token[1:] if type(token) is str and token[:1] == "-" else token
    if _is_digits(digits):
        return int(token)
    raise _Bad(f'Årsnumret "{_shown(token)}" är inget heltal (0 = räkenskapsåret, -1 = året före). {FIX}')


def _is_period(token) -> bool:
    return _is_digits(token) and len(token) == 6 and 1 <= int(token[4:]) <= 12


def parse_period(token) -> str:
    if _is_period(token):
        return token
    raise _Bad(f'Perioden "{_shown(token)}" är ingen månad; SIE kräver ÅÅÅÅMM, t.ex. 202503. {FIX}')


def _shown(token) -> str:
    return token if type(token) is str else show_objects(token)


def kronor(amount: Decimal) -> str:
    """12 345,00 (Swedish: blank as thousands separator, decimal comma)."""
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",")


def _is_month_end(day: datetime.date) -> bool:
    return day == month_end(day.year, day.month)


# ---------------------------------------------------------------- reading


class _OpenVoucher:
    """A #VER being read: its fields and the rows of its block so far."""

    __slots__ = ("series", "number", "date", "text", "regdate", "sign", "line", "ver", "rows", "removed", "block", "rtrans",
                 "total", "count", "sums", "groups")

    def __init__(self, series, number, date, text, regdate, sign, line, day):
        self.series, self.number, self.date, self.text = series, number, date, text
        self.regdate, self.sign, self.line = regdate, sign, line
        self.ver = f"{series} {number}".strip() or None
        self.rows: list[SourceRow] = []
        self.removed = 0
        self.total = 0  # of the rows' amounts
        self.count = 0  # rows
        self.sums, self.groups = day  # the reader's sums for the voucher date and its month (_Reader.day)
        self.block = False  # the line with { has been read
        self.rtrans: tuple | None = None  # an #RTRANS just read (its parsed row, its line), waiting for its copy

    def name(self) -> str:
        return f"Verifikationen {f'{self.series} {self.number}'.strip() or '(utan serie och nummer)'} ({self.date.isoformat()})"


_ROW_LABELS = frozenset(("#TRANS", "#RTRANS", "#BTRANS"))
# Records whose last field is a name, read to the line's end when a quote in it is unmatched: label → fields before the name.
_NAME_LABELS = {"#KONTO": 1, "#OBJEKT": 2, "#DIM": 1, "#FNAMN": 0, "#PROSA": 0, "#FTYP": 0}
_FIELD = re.compile(r'"[^"]*"(?=\s)|[^\s"]+(?=\s)')

_USAGE = {
    "#VER": '#VER serie vernr verdatum "text"',
    "#TRANS": "#TRANS konto {objektlista} belopp",
    "#RAR": "#RAR årsnr startdatum slutdatum",
    "#KONTO": '#KONTO konto "namn"',
    "#KTYP": "#KTYP konto T|S|K|I",
    "#ENHET": "#ENHET konto enhet",
    "#DIM": '#DIM dimension "namn"',
    "#UNDERDIM": '#UNDERDIM dimension "namn" överdimension',
    "#OBJEKT": '#OBJEKT dimension "objekt" "namn"',
    "#IB": "#IB årsnr konto saldo",
    "#UB": "#UB årsnr konto saldo",
    "#RES": "#RES årsnr konto saldo",
    "#OIB": "#OIB årsnr konto {objektlista} saldo",
    "#OUB": "#OUB årsnr konto {objektlista} saldo",
    "#PSALDO": "#PSALDO årsnr period konto {objektlista} saldo",
    "#PBUDGET": "#PBUDGET årsnr period konto {objektlista} saldo",
}


# A #TRANS line in its usual form (see the module docstring): konto and object list, konto, the
# object list's text, amount, transaction date, text. Anything else is read by the tokenizer.
_FAST_TRANS = re.compile(
    r'#TRANS[ \t]+(([0-9]+)[ \t]+\{([^{}"\\]*(?:"[^{}"\\]*"[^{}"\\]*)*)\})[ \t]+(-?[0-9]+(?:\.[0-9]+)?)'
    r'(?:[ \t]+(?:([0-9]{8})|"")(?:[ \t]+"([^{}"\\]*)")?)?'
)


class _Reader:
    def __init__(self, path: str, summed: bool = False, fast: bool = True) -> None:
        self.path = path
        self.fast = fast
        self.head: dict = {}  # the scalar header fields of SieFile
        self.fnamn_line = 0
        self.rar: dict[int, tuple[datetime.date, datetime.date]] = {}
        self.rar_lines: dict[int, int] = {}
        self.konton: dict[str, str] = {}
        self.ktyp: dict[str, str] = {}
        self.sru: dict[str, str] = {}
        self.enhet: dict[str, str] = {}
        self.dims: dict[str, str] = {}
        self.underdim: dict[str, str] = {}
        self.objekt: dict[tuple[str, str], str] = {}
        self.totals: dict[str, list[ControlTotal]] = {label: [] for label in ("#IB", "#UB", "#RES", "#OIB", "#OUB", "#PSALDO", "#PBUDGET")}
        self.vouchers: list[Voucher] = []
        self.warnings: list[str] = []
        self.voucher: _OpenVoucher | None = None
        self.skipping_block = False  # inside the { } block of an unknown record
        self.last_label = ""  # of the last record outside vouchers
        self.last_known = True  # whether that label is known
        self.dates: dict[str, datetime.date] = {}
        self.object_lists: dict[str, Objects] = {}
        self.konton_seen: set[str] = set()  # account numbers of rows, already validated
        self.pairs: dict[str, tuple[str, Objects]] = {}  # "konto {objects}" of fast rows → (konto, objects)
        self.row_count = 0
        self.summed = summed
        self.days: dict[datetime.date, tuple[dict, dict | None]] = {}  # a date → its row sums and its month's groups
        self.row_sums: dict[datetime.date, dict[str, Decimal]] = {}  # date → konto → amount
        # summed: month's last day → the pair's text or (konto, objects) → [amount, first line, count, konto, objects]
        self.groups: dict[datetime.date, dict] = {}
        self.swapped: dict[str, list[int]] = {}  # label → lines of period totals with konto before period
        self.unnumbered: dict[tuple[str, datetime.date], int] = {}  # (series, date) → unnumbered vouchers so far
        self.checksum: tuple[int, int] | None = None  # running CRC without/with the block braces
        self.checksum_error: SourceError | None = None
        self.format_line = 0
        self.unmatched_quotes: list[tuple[int, str, str]] = []  # (line, label, the name read) of name records
        self.handlers = {
            "#FLAGGA": self.on_flagga,
            "#PROGRAM": self.on_program,
            "#FORMAT": self.on_format,
            "#GEN": self.on_gen,
            "#SIETYP": self.on_sietyp,
            "#FNAMN": self.on_fnamn,
            "#ORGNR": self.on_orgnr,
            "#KPTYP": self.on_kptyp,
            "#TAXAR": self.on_taxar,
            "#RAR": self.on_rar,
            "#KONTO": self.on_konto,
            "#KTYP": self.on_ktyp,
            "#SRU": self.on_sru,
            "#ENHET": self.on_enhet,
            "#DIM": self.on_dim,
            "#UNDERDIM": self.on_underdim,
            "#OBJEKT": self.on_objekt,
            "#IB": self.on_year_total,
            "#UB": self.on_year_total,
            "#RES": self.on_year_total,
            "#OIB": self.on_object_total,
            "#OUB": self.on_object_total,
            "#PSALDO": self.on_period_total,
            "#PBUDGET": self.on_period_total,
            "#VER": self.on_ver,
            "#KSUMMA": self.on_ksumma,
        }

    # -- the loop

    def read(self, text: str) -> None:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\x1a").split("\n")
        number, line = 0, ""
        fast = _FAST_TRANS.fullmatch if self.fast else None
        pairs, add_row = self.pairs, self.add_row
        voucher, fast_now = None, False  # whether the next line may take the fast path
        try:
            for number, raw in enumerate(lines, 1):
                line = raw.strip()
                if not line:
                    continue
                if fast_now:
                    match = fast(line)
                    if match is not None:
                        pair, amount, day, words = match.group(1, 4, 5, 6)
                        known = pairs.get(pair) or self.known_pair(match)
                        if known is not None:
                            day = voucher.date if day is None else self.date(day, "Transaktionsdatumet")
                            add_row(voucher, day, known[0], known[1], Decimal(amount), words or voucher.text, number, None, pair)
                            continue
                self.read_line(line, number)
                voucher = self.voucher
                fast_now = (fast is not None and voucher is not None and voucher.block and voucher.rtrans is None
                            and self.checksum is None)
        except _Bad as problem:
            message = str(problem)
            if line[:1] == "#" and message[:1] != "#":
                message = f"{line.split(None, 1)[0]}: {message}"
            raise SourceError(self.path, number, message) from None
        self.finish()
        if "\ufffd" in text:
            first = next(number for number, line in enumerate(lines, 1) if "\ufffd" in line)
            self.warn(first, "Filen innehåller ersättningstecken (\ufffd): tecken som å, ä och ö har förstörts vid en tidigare "
                             "teckenkonvertering, så namn och texter kan vara fel. Exportera filen på nytt från ekonomisystemet.")

    def known_pair(self, match) -> tuple[str, Objects] | None:
        """A fast row's konto and objects, when its object list has been read before (the tokenizer checks it once)."""
        objects = self.object_lists.get(match[3])
        if objects is None:
            return None
        known = self.pairs[match[1]] = (match[2], objects)
        return known

    def read_line(self, line: str, number: int) -> None:
        if line[0] == "#":
            try:
                fields = tokenize(line, self.object_lists)
            except _Bad:
                fields = self.read_to_line_end(line, number)
                if fields is None:
                    raise
            label = fields[0].upper()
            if self.checksum is not None and label != "#KSUMMA":
                self.feed_checksum(fields)
            if self.skipping_block:
                return
            voucher = self.voucher
            if voucher is None:
                self.read_record(label, fields, number)
            elif not voucher.block:
                raise _Bad(f"Raden efter #VER på rad {voucher.line} ska vara {{, som inleder verifikationens rader. {FIX}")
            elif label in _ROW_LABELS:
                self.on_row(voucher, label, fields, number)
            elif label in self.handlers:
                raise _Bad(f"{label} står inne i verifikationen från rad {voucher.line}: verifikationens }} saknas. {FIX}")
            # an unknown record inside a voucher is ignored, as the specification says
        elif line == "{":
            self.open_block(number)
        elif line == "}":
            self.close_block()
        else:
            raise _Bad(f'Raden är ingen SIE-post: en post börjar med en etikett som #TRANS, och bara {{ och }} står ensamma på en rad. Raden börjar "{line[:30]}". {FIX}')

    def read_to_line_end(self, line: str, number: int) -> list | None:
        """A name record (#KONTO, #OBJEKT, …) with an unmatched quote: the name is the rest of the line after
        its fixed fields (its enclosing quotes dropped), noted for a warning. None for any other faulty line."""
        label = line.split(None, 1)[0].upper()
        fixed = _NAME_LABELS.get(label)
        if fixed is None or line.count('"') % 2 == 0:
            return None
        rest = line[len(label):].strip()
        head = [line[:len(label)]]
        for _ in range(fixed):
            match = _FIELD.match(rest)
            if match is None:
                return None
            head.append(match[0][1:-1] if match[0][:1] == '"' else match[0])
            rest = rest[match.end():].strip()
        name = rest[1:-1] if len(rest) > 1 and rest[0] == rest[-1] == '"' else rest
        self.unmatched_quotes.append((number, label, name))
        return head + [name]

    def read_record(self, label: str, fields: list, number: int) -> None:
        self.last_label = label
        handler = self.handlers.get(label)
        self.last_known = handler is not None or label in _ROW_LABELS
        if handler is not None:
            handler(label, fields[1:], number)
        elif label in _ROW_LABELS:
            raise _Bad(f"{label} står utanför en verifikation: raderna ska stå mellan {{ och }} efter en #VER. {FIX}")

    def open_block(self, number: int) -> None:
        if self.checksum is not None:
            self.feed_checksum_brace("{")
        voucher = self.voucher
        if voucher is not None and not voucher.block:
            voucher.block = True
        elif voucher is None and not self.last_known:
            self.skipping_block = True  # the rows of an unknown record
        else:
            raise _Bad(f"Raden {{ hör inte till någon #VER. {FIX}")

    def close_block(self) -> None:
        if self.checksum is not None:
            self.feed_checksum_brace("}")
        if self.skipping_block:
            self.skipping_block = False
        elif self.voucher is not None and self.voucher.block:
            self.flush_rtrans(self.voucher)
            self.close_voucher(self.voucher)
            self.voucher = None
        else:
            raise _Bad(f"Raden }} avslutar ingenting: ingen verifikation (#VER med {{) är öppen. {FIX}")

    def finish(self) -> None:
        if not self.last_label:
            raise SourceError(self.path, 0, "Filen innehåller inga SIE-poster (rader som börjar med #, t.ex. #FLAGGA). Kontrollera att det är en SIE-fil.")
        voucher = self.voucher
        if voucher is not None:
            missing = "}" if voucher.block else "{ … }"
            raise SourceError(self.path, voucher.line, f"{voucher.name()} saknar avslutande {missing}: filen tar slut inne i verifikationen. Filen kan vara avkortad. {FIX}")
        if self.checksum is not None:
            self.warn(0, "#KSUMMA inleds men avslutas aldrig med en kontrollsumma; filen kan vara avkortad.")
        if not self.head.get("fnamn"):
            self.warn(self.fnamn_line, "Företagsnamn (#FNAMN) saknas.")
        if self.vouchers and self.head.get("sietyp") in (1, 2, 3):
            self.warn(self.vouchers[0].line, f"#SIETYP {self.head['sietyp']} ska inte innehålla verifikationer; de har lästs ändå.")
        for label, lines in self.swapped.items():
            self.warn(lines[0], f"{label} har konto före period på {len(lines)} rader; de har lästs som {_USAGE[label]}.")
        self.warn_undeclared_accounts()
        if self.unmatched_quotes:
            shown = "; ".join(f'rad {number} {label} "{name}"' for number, label, name in self.unmatched_quotes[:10])
            more = f" och {len(self.unmatched_quotes) - 10} rader till" if len(self.unmatched_quotes) > 10 else ""
            self.warn(self.unmatched_quotes[0][0], f"Namn med ett citattecken (\") utan motsvarighet har lästs till radens slut: "
                                                    f"{shown}{more}. Kontrollera namnen i ekonomisystemet.")

    def warn_encoding(self, encoding: str, other_lines: list[tuple[int, str]], has_letters: bool) -> None:
        """Lines in another encoding than the rest, and a #FORMAT PC8 (CP437) the bytes contradict."""
        base = encoding.split("+")[0]
        if other_lines:
            shown = ", ".join(str(number) for number, _ in other_lines[:10])
            more = f" och {len(other_lines) - 10} till" if len(other_lines) > 10 else ""
            self.warn(other_lines[0][0], f"Filen blandar teckenkodningar: rad {shown}{more} är UTF-8, resten {_ENCODING_NAMES[base]}; "
                                         "varje rad har lästs i sin egen kodning. Kontrollera namnen och texterna på de raderna.")
        elif has_letters and (self.head.get("format") or "").upper() == "PC8" and base != "cp437":
            self.warn(self.format_line, f"#FORMAT PC8 anger teckenkoden CP437, men filens bytes är {_ENCODING_NAMES[base]}; "
                                        f"filen har lästs som {_ENCODING_NAMES[base]}.")

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(f"{self.path}:{line}: {message}" if line else f"{self.path}: {message}")

    def warn_undeclared_accounts(self) -> None:
        if not self.konton:
            return  # an import file (4I) has no chart of accounts
        first_use: dict[str, int] = {}
        for totals in self.totals.values():
            for total in totals:
                first_use.setdefault(total.konto, total.line)
        if not self.summed:
            rows = ((row.konto, row.line) for voucher in self.vouchers for row in voucher.rows)
        else:  # each group's first row
            rows = ((group[3], group[1]) for groups in self.groups.values() for group in groups.values())
        first_row: dict[str, int] = {}
        for konto, line in rows:
            if line < first_row.get(konto, line + 1):
                first_row[konto] = line
        for konto, line in first_row.items():
            first_use.setdefault(konto, line)
        missing = sorted((line, konto) for konto, line in first_use.items() if konto not in self.konton)
        if missing:
            shown = ", ".join(f"{konto} (rad {line})" for line, konto in missing[:10])
            more = f" och {len(missing) - 10} till" if len(missing) > 10 else ""
            self.warn(missing[0][0], f"Konton som används men saknar #KONTO (namn): {shown}{more}.")

    def result(self, encoding: str) -> SieFile:
        totals = self.totals
        return SieFile(
            path=self.path, encoding=encoding, **self.head,
            rar=self.rar, rar_lines=self.rar_lines, konton=self.konton, ktyp=self.ktyp, sru=self.sru, enhet=self.enhet,
            dims=self.dims, underdim=self.underdim, objekt=self.objekt,
            ib=totals["#IB"], ub=totals["#UB"], res=totals["#RES"], oib=totals["#OIB"], oub=totals["#OUB"],
            psaldo=totals["#PSALDO"], pbudget=totals["#PBUDGET"],
            vouchers=self.vouchers, warnings=self.warnings, row_count=self.row_count,
            row_sums={(konto, date): amount for date, sums in self.row_sums.items() for konto, amount in sums.items()},
            summed=self.summed_rows() if self.summed else None, checksum_error=self.checksum_error,
        )

    def summed_rows(self) -> list[SourceRow]:
        """A row per konto, objects and month, in order of their first row (the same pair may have had two texts)."""
        merged: dict[tuple, list] = {}
        groups = sorted(((month, *group) for month, pairs in self.groups.items() for group in pairs.values()),
                        key=lambda group: group[2])
        for month, amount, line, count, konto, objects in groups:
            key = (konto, objects, month)
            found = merged.get(key)
            if found is None:
                merged[key] = [amount, line, count]
            else:
                found[0] += amount
                found[2] += count
        return [SourceRow(month, konto, objects, amount, "", None, line, None, count)
                for (konto, objects, month), (amount, line, count) in merged.items()]

    # -- vouchers

    def date(self, token, what: str) -> datetime.date:
        day = self.dates.get(token) if type(token) is str else None
        if day is None:
            day = parse_date(token, what)
            self.dates[token] = day
        return day

    def on_ver(self, label: str, fields: list, number: int) -> None:
        if len(fields) < 3:
            raise _Bad(f"Verifikationsdatumet saknas: posten ska se ut som {_USAGE['#VER']}. {FIX}")
        series, vernr = _text(fields[0]).strip(), _text(fields[1]).strip()
        try:
            date = self.date(fields[2], "Verifikationsdatumet")
        except _Bad as problem:
            raise _Bad(f"{problem}{self.shifted_hint(vernr)}") from None
        text = _optional(fields, 3)
        regdate = self.date(fields[4], "Registreringsdatumet") if _optional(fields, 4) else None
        self.voucher = _OpenVoucher(series, vernr, date, text, regdate, _optional(fields, 5), number, self.day(date))
        if not vernr:
            # A voucher without a number (#VER "K" "") is a voucher of its own: named by series, date and its
            # place among the series' unnumbered vouchers of that date, so a re-import finds it again.
            place = self.unnumbered[(series, date)] = self.unnumbered.get((series, date), 0) + 1
            self.voucher.ver = f"{series} utan nummer {date.isoformat()}/{place}".strip()

    def day(self, date: datetime.date) -> tuple[dict, dict | None]:
        """The row sums (konto → amount) of a date, and (summed) the groups of its month (pair → group)."""
        found = self.days.get(date)
        if found is None:
            month = month_end(date.year, date.month)
            groups = self.groups.setdefault(month, {}) if self.summed else None
            found = self.days[date] = (self.row_sums.setdefault(date, {}), groups)
        return found

    @staticmethod
    def shifted_hint(vernr: str) -> str:
        if _is_digits(vernr) and len(vernr) == 8 and vernr[:2] in ("19", "20"):
            return f' Verifikationsnumret "{vernr}" ser ut som ett datum: troligen saknas serien (skriv "" för en tom serie).'
        return ""

    def on_row(self, voucher: _OpenVoucher, label: str, fields: list, number: int) -> None:
        """#TRANS/#RTRANS/#BTRANS konto {objektlista} belopp [transdat transtext kvantitet sign].

        An #RTRANS waits for the next row: a #TRANS with its account, objects and amount is its copy for
        old readers (whatever its date: BL writes the change's date on the #RTRANS and the voucher's on
        the copy), and the pair is one row, booked as the copy says. Anything else: the #RTRANS is a row."""
        row = self.parse_row(fields)
        pending = voucher.rtrans
        if pending is not None:
            voucher.rtrans = None
            if label == "#TRANS" and row[:3] == pending[0][:3]:
                self.add_parsed(voucher, row, pending[1])  # the copy, at the #RTRANS's line
                return
            self.add_parsed(voucher, *pending)
        if label == "#RTRANS":
            voucher.rtrans = (row, number)
        elif label == "#BTRANS":
            voucher.removed += 1
        else:
            self.add_parsed(voucher, row, number)

    def flush_rtrans(self, voucher: _OpenVoucher) -> None:
        """An #RTRANS last in its block (no copy followed): a row of its own."""
        if voucher.rtrans is not None:
            self.add_parsed(voucher, *voucher.rtrans)
            voucher.rtrans = None

    def parse_row(self, fields: list) -> tuple:
        """(konto, objects, amount, date or None, text or None, quantity) of a row record."""
        count = len(fields)  # fields[0] is the label
        objects: Objects = ()
        index = 2  # of the amount
        if count > 2 and type(fields[2]) is tuple:
            objects, index = fields[2], 3
        if count <= index:
            raise _Bad(f"För få fält: posten ska se ut som {_USAGE['#TRANS']}. {FIX}")
        konto = fields[1]
        if konto not in self.konton_seen:
            self.konton_seen.add(parse_account(konto))
        amount = parse_amount(fields[index])
        date = text = quantity = None
        if count > index + 1:
            if fields[index + 1] != "":
                date = self.date(fields[index + 1], "Transaktionsdatumet")
            if count > index + 2 and fields[index + 2] != "":
                text = _text(fields[index + 2])
            if count > index + 3 and fields[index + 3] != "":
                quantity = parse_amount(fields[index + 3], "Kvantiteten")
        return konto, objects, amount, date, text, quantity

    def add_parsed(self, voucher: _OpenVoucher, row: tuple, number: int) -> None:
        konto, objects, amount, date, text, quantity = row
        self.add_row(voucher, date or voucher.date, konto, objects, amount, text if text is not None else voucher.text,
                     number, quantity, (konto, objects))

    def add_row(self, voucher: _OpenVoucher, date: datetime.date, konto: str, objects: Objects, amount: Decimal,
                text: str, number: int, quantity: Decimal | None, pair) -> None:
        """A row of the voucher: counted, summed for the checks, and kept (or summed per month).

        `pair` stands for konto and objects when summing (hashing a short text is cheaper than the tuples)."""
        voucher.total += amount
        voucher.count += 1
        sums, groups = (voucher.sums, voucher.groups) if date is voucher.date else self.day(date)
        sums[konto] = sums.get(konto, 0) + amount
        if groups is None:
            voucher.rows.append(SourceRow(date, konto, objects, amount, text, voucher.ver, number, quantity))
            return
        group = groups.get(pair)
        if group is None:
            groups[pair] = [amount, number, 1, konto, objects]
        else:
            group[0] += amount
            group[2] += 1

    def close_voucher(self, voucher: _OpenVoucher) -> None:
        if not voucher.count:  # annulled in the finance system: no amount to read
            self.warn(voucher.line, f"{voucher.name()} saknar rader (#TRANS) och har inget belopp; den har hoppats över.")
            return
        if voucher.total:
            raise SourceError(self.path, voucher.line, f"{voucher.name()} balanserar inte: raderna summerar till {kronor(voucher.total)}. Rätta exporten i ekonomisystemet.")
        self.row_count += voucher.count
        self.vouchers.append(Voucher(voucher.series, voucher.number, voucher.date, voucher.text, voucher.regdate,
                                     voucher.sign, voucher.line, voucher.rows, voucher.removed))

    # -- control totals

    def on_year_total(self, label: str, fields: list, number: int) -> None:
        """#IB/#UB/#RES årsnr konto saldo [kvantitet]."""
        _need(fields, 3, _USAGE[label])
        year = parse_year_number(fields[0])
        total = ControlTotal(parse_account(fields[1]), str(year), parse_amount(fields[2], "Saldot"), (), f"{label} {year}", number)
        self.totals[label].append(total)

    def on_object_total(self, label: str, fields: list, number: int) -> None:
        """#OIB/#OUB årsnr konto {objektlista} saldo [kvantitet]."""
        _need(fields, 3, _USAGE[label])
        year = parse_year_number(fields[0])
        konto = parse_account(fields[1])
        objects, index = (fields[2], 3) if type(fields[2]) is tuple else ((), 2)
        _need(fields, index + 1, _USAGE[label])
        total = ControlTotal(konto, str(year), parse_amount(fields[index], "Saldot"), objects, f"{label} {year}", number)
        self.totals[label].append(total)

    def on_period_total(self, label: str, fields: list, number: int) -> None:
        """#PSALDO/#PBUDGET årsnr period konto {objektlista} saldo [kvantitet]."""
        _need(fields, 4, _USAGE[label])
        year = parse_year_number(fields[0])
        period, konto = fields[1], fields[2]
        if not _is_period(period) and _is_digits(period) and _is_period(konto):
            period, konto = konto, period  # konto before period: unambiguous, since a period is ÅÅÅÅMM
            self.swapped.setdefault(label, []).append(number)
        period, konto = parse_period(period), parse_account(konto)
        objects, index = (fields[3], 4) if type(fields[3]) is tuple else ((), 3)
        _need(fields, index + 1, _USAGE[label])
        total = ControlTotal(konto, period, parse_amount(fields[index], "Saldot"), objects, f"{label} {year} {period}", number)
        self.totals[label].append(total)

    # -- chart of accounts and dimensions

    def on_rar(self, label: str, fields: list, number: int) -> None:
        _need(fields, 3, _USAGE["#RAR"])
        year = parse_year_number(fields[0])
        start, end = self.date(fields[1], "Startdatumet"), self.date(fields[2], "Slutdatumet")
        if end < start:
            raise _Bad(f"Räkenskapsår {year} slutar ({end.isoformat()}) före det börjar ({start.isoformat()}). {FIX}")
        if not _is_month_end(end):
            last = month_end(end.year, end.month)
            self.warn(number, f"#RAR {year}: räkenskapsåret slutar {end.isoformat()}, inte på månadens sista dag ({last.isoformat()}); kontrollera årets datum.")
        self.rar[year] = (start, end)
        self.rar_lines[year] = number

    def on_konto(self, label: str, fields: list, number: int) -> None:
        _need(fields, 2, _USAGE["#KONTO"])
        self.konton[parse_account(fields[0])] = _rest(fields, 1)

    def on_ktyp(self, label: str, fields: list, number: int) -> None:
        _need(fields, 2, _USAGE["#KTYP"])
        kind = _text(fields[1]).upper()
        if kind not in ("T", "S", "K", "I"):
            raise _Bad(f'Kontotypen "{kind}" är okänd: T (tillgång), S (skuld), K (kostnad) eller I (intäkt). {FIX}')
        self.ktyp[parse_account(fields[0])] = kind

    def on_sru(self, label: str, fields: list, number: int) -> None:
        konto = parse_account(fields[0]) if fields else ""
        code = _optional(fields, 1).strip()
        if konto and code:
            self.sru[konto] = code
        else:
            self.warn(number, f"#SRU: SRU-kod saknas för konto {konto or '(inget)'}; raden används inte.")

    def on_enhet(self, label: str, fields: list, number: int) -> None:
        _need(fields, 2, _USAGE["#ENHET"])
        self.enhet[parse_account(fields[0])] = _text(fields[1])

    def on_dim(self, label: str, fields: list, number: int) -> None:
        _need(fields, 2, _USAGE["#DIM"])
        self.dims[self.dimension(fields[0])] = _rest(fields, 1)

    def on_underdim(self, label: str, fields: list, number: int) -> None:
        _need(fields, 3, _USAGE["#UNDERDIM"])
        dim = self.dimension(fields[0])
        self.dims[dim] = _text(fields[1])
        self.underdim[dim] = self.dimension(fields[2])

    def on_objekt(self, label: str, fields: list, number: int) -> None:
        _need(fields, 3, _USAGE["#OBJEKT"])
        self.objekt[(self.dimension(fields[0]), _text(fields[1]))] = _rest(fields, 2)

    @staticmethod
    def dimension(token) -> str:
        if _is_digits(token):
            return token
        raise _Bad(f'Dimensionen "{_shown(token)}" är inget nummer (1 = kostnadsställe, 6 = projekt, …). {FIX}')

    # -- header

    def on_flagga(self, label: str, fields: list, number: int) -> None:
        value = _optional(fields, 0)
        if value not in ("0", "1"):
            self.warn(number, f'#FLAGGA ska vara 0 eller 1, inte "{value}".')
            return
        self.head["flagga"] = int(value)
        if value == "1":
            self.warn(number, "#FLAGGA 1: filen är markerad som redan inläst. Kontrollera att den inte redan har lästs in.")

    def on_program(self, label: str, fields: list, number: int) -> None:
        self.head["program"] = _rest(fields, 0) or None

    def on_format(self, label: str, fields: list, number: int) -> None:
        self.head["format"] = _optional(fields, 0) or None
        self.format_line = number

    def on_gen(self, label: str, fields: list, number: int) -> None:
        try:
            self.head["gen"] = self.date(_optional(fields, 0), "Datumet")
        except _Bad as problem:
            self.warn(number, f"#GEN: {problem}")

    def on_sietyp(self, label: str, fields: list, number: int) -> None:
        value = _optional(fields, 0)
        if value not in ("1", "2", "3", "4"):
            raise _Bad(f'SIE-typen "{value}" är okänd; den ska vara 1, 2, 3 eller 4. {FIX}')
        self.head["sietyp"] = int(value)

    def on_fnamn(self, label: str, fields: list, number: int) -> None:
        self.head["fnamn"] = _rest(fields, 0).strip() or None
        self.fnamn_line = number

    def on_orgnr(self, label: str, fields: list, number: int) -> None:
        self.head["orgnr"] = _optional(fields, 0) or None

    def on_kptyp(self, label: str, fields: list, number: int) -> None:
        self.head["kptyp"] = _optional(fields, 0) or None

    def on_taxar(self, label: str, fields: list, number: int) -> None:
        value = _optional(fields, 0)
        if _is_digits(value) and len(value) == 4:
            self.head["taxar"] = int(value)
        else:
            self.warn(number, f'#TAXAR "{value}" är inget årtal; uppgiften används inte.')

    # -- checksum

    def on_ksumma(self, label: str, fields: list, number: int) -> None:
        if not fields:
            self.checksum = (0, 0)
            return
        value = _text(fields[0])
        if not _is_digits(value[1:] if value[:1] == "-" else value):  # some writers print it signed
            self.warn(number, f'#KSUMMA "{value}" är inget tal; summan kontrolleras inte.')
            self.checksum = None
            return
        self.head["ksumma"] = int(value)
        if self.checksum is None:
            self.warn(number, "#KSUMMA har ett värde men ingen inledande #KSUMMA; summan kontrolleras inte.")
        elif (int(value) & 0xFFFFFFFF) not in self.checksum:
            message = (f"#KSUMMA {value} stämmer inte med filens innehåll (beräknat {self.checksum[0]}); "
                       "filen kan ha ändrats efter exporten. Jämför den med ekonomisystemet.")
            self.warn(number, message)
            self.checksum_error = SourceError(self.path, number, message)
        self.checksum = None

    def feed_checksum(self, fields: list) -> None:
        parts = [fields[0]]
        for token in fields[1:]:
            if type(token) is tuple:
                parts.extend(dim + obj for dim, obj in token)
            else:
                parts.append(token)
        data = "".join(parts).encode("cp437", "replace")
        self.checksum = (zlib.crc32(data, self.checksum[0]), zlib.crc32(data, self.checksum[1]))

    def feed_checksum_brace(self, brace: str) -> None:
        self.checksum = (self.checksum[0], zlib.crc32(brace.encode(), self.checksum[1]))


def parse_sie(data: bytes, path: str = "<sie>", summed: bool = False, fast: bool = True) -> SieFile:
    """Read a SIE file; SourceError (Swedish, with the line) if it cannot be read faithfully.

    `summed`: keep the rows summed per konto, object list and month (`SieFile.summed`) instead of
    one by one. `fast=False`: read every line with the tokenizer (see the module docstring)."""
    text, encoding, other_lines = decode_lines(data)
    reader = _Reader(path, summed, fast)
    with collector_paused():
        reader.read(text)
        reader.warn_encoding(encoding, other_lines, not data.isascii())
        return reader.result(encoding)


# ---------------------------------------------------------------- control totals


def control_figures(sie: SieFile) -> dict[str, tuple[Decimal, ControlTotal]]:
    """konto → (its change during year 0 by the file's own figures, the record that says so): #RES, or #UB − #IB.

    SIE leaves zero balances out: in a file with closing balances (#UB 0), an account with an opening
    balance (#IB 0) and no #UB closes at 0, so its change is −#IB (the #IB record says so)."""
    opening = {t.konto: t for t in sie.ib if t.period == "0"}
    closing = [t for t in sie.ub if t.period == "0"]
    figures = {t.konto: (Decimal(0) - t.amount, t) for t in opening.values()} if closing else {}
    figures.update({t.konto: (t.amount - (opening[t.konto].amount if t.konto in opening else 0), t) for t in closing})
    figures.update({t.konto: (t.amount, t) for t in sie.res if t.period == "0"})
    return figures


def check_control_totals(sie: SieFile) -> list[str]:
    """Whether the vouchers add up to the file's own totals (Swedish messages; [] when they do).

    Year 0 only, with the rows dated inside #RAR 0: #IB + rows = #UB for each
    account with an #UB, rows = #RES for each account with a #RES, and, for
    each #PSALDO without objects in a month of year 0, that month's rows = the
    #PSALDO (the period's change, see the module docstring). Which of #UB and
    #RES an account has decides the rule; in a well-formed file that is the
    same as telling balance accounts (KTYP T/S, 1xxx–2xxx) from result
    accounts (K/I, 3xxx–8xxx), without trusting either. Only accounts the file
    gives a total for are checked (`control_figures`: an #IB 0 without #UB 0 in a
    file with closing balances is a closing balance of 0 left out).

    Totals per object (#OIB/#OUB, #PSALDO with objects) are not checked: real
    exports truncate long object numbers in them (the KST/projekt test file
    has {1 "100001"} in #OUB for {1 "1000012"} on its rows), while the
    account totals still prove that no amount was lost.
    """
    if not sie.vouchers:
        return []
    year = sie.rar.get(0)
    per_year: dict[str, Decimal] = defaultdict(Decimal)
    per_month: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for (konto, date), amount in sie.row_sums.items():
        if year is None or year[0] <= date <= year[1]:
            per_year[konto] += amount
            per_month[(konto, f"{date:%Y%m}")] += amount
    messages: list[str] = []
    for konto, (change, total) in control_figures(sie).items():
        if total.label.startswith("#RES"):
            messages += _differs(f"Konto {konto}: verifikationer", per_year[konto], "#RES", total)
        elif total.label.startswith("#UB"):
            messages += _differs(f"Konto {konto}: #IB + verifikationer", total.amount - change + per_year[konto], "#UB", total)
        else:  # only an #IB: the zero #UB left out
            messages += _differs(f"Konto {konto}: #IB + verifikationer", total.amount + per_year[konto], "#UB (ingen rad: 0)",
                                 total._replace(amount=Decimal(0)))
    months = _months(*year) if year else None
    for total in sie.psaldo:
        if total.objekt or not total.label.startswith("#PSALDO 0 ") or (months is not None and total.period not in months):
            continue  # per object, another year, or a period outside year 0 (BL labels last year's periods 0 too)
        found = per_month[(total.konto, total.period)]
        messages += _differs(f"Konto {total.konto}, period {total.period[:4]}-{total.period[4:]}: verifikationer", found, "#PSALDO", total)
    return messages


def _months(start: datetime.date, end: datetime.date) -> set[str]:
    months, (year, month) = set(), (start.year, start.month)
    while (year, month) <= (end.year, end.month):
        months.add(f"{year:04d}{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _differs(what: str, found: Decimal, label: str, total: ControlTotal) -> list[str]:
    if found == total.amount:
        return []
    return [f"{what} = {kronor(found)} men {label} = {kronor(total.amount)} (skillnad {kronor(found - total.amount)}; rad {total.line})."]
