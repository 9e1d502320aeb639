"""The column mapping of a huvudbok export: one TOML file per source system.

    namn = "Raindance"          # names the export's source (kalla) in the ledger
    format = "csv"              # csv | xlsx
    kodning = "auto"            # csv: utf-8, cp1252, iso-8859-1, utf-16 …; auto = utf-8 (BOM or not), else cp1252
    avgransare = ";"            # csv: ";", ",", "\\t" (or "tab"), "|"; auto = sniffed from the header line
    decimaltecken = ","         # "," or "."
    tusentalsavgransare = " "   # " " (also no-break and thin space), ".", ",", "'" or "" (none)
    datumformat = "%Y-%m-%d"    # a strptime format, or a list of them tried in order
    rubrikrad = 1               # the header's line (csv) or row (xlsx); data follows it
    blad = "Huvudbok"           # xlsx: the sheet (default: the first)

    [kolumner]                  # headers in the file, trimmed and case-insensitive
    datum = "Bokf.datum"
    konto = "Konto"
    belopp = "Belopp"           # or debet = "…" and kredit = "…"
    text = "Text"               # optional, as are verifikation and kvantitet
    verifikation = "Verifikationsnr"

    [dimensioner]               # dimension name → header; SourceRow.objekt keeps this order
    verksamhet = "Verksamhet"
    ansvar = "Ansvar"

    [tecken]
    belopp = "debet-positiv"    # or "kredit-positiv": the file shows costs negative

Every fault is a `SourceError` naming the mapping file and the offending key's line.
"""

from __future__ import annotations

import codecs
import datetime
import json
from pathlib import Path
from typing import Any, NamedTuple

from namndbok.importers.model import SourceError
from namndbok.settings import Key, Settings, anything, read_text

AUTO = "auto"
FORMATS = ("csv", "xlsx")
SIGNS = ("debet-positiv", "kredit-positiv")
DELIMITERS = {";": ";", ",": ",", "\t": "\t", "tab": "\t", "|": "|", AUTO: AUTO}
DECIMAL_MARKS = (",", ".")
THOUSANDS_SEPARATORS = (" ", ".", ",", "'", "")
TOP_KEYS = (
    "namn", "format", "kodning", "avgransare", "decimaltecken", "tusentalsavgransare",
    "datumformat", "rubrikrad", "blad", "kolumner", "dimensioner", "tecken",
)
ONLY_FOR_FORMAT = {"kodning": "csv", "avgransare": "csv", "blad": "xlsx"}


class Columns(NamedTuple):
    """The header in the file of each field (None: the export lacks it)."""

    datum: str
    konto: str
    belopp: str | None = None
    debet: str | None = None
    kredit: str | None = None
    text: str | None = None
    verifikation: str | None = None
    kvantitet: str | None = None


class Mapping(NamedTuple):
    """How to read one source system's huvudbok export."""

    namn: str
    format: str  # "csv" | "xlsx"
    kolumner: Columns
    dimensioner: tuple[tuple[str, str], ...] = ()  # (dimension name, header), in the file's mapping order
    kodning: str = AUTO  # a Python codec name, or "auto"
    avgransare: str = AUTO  # one character, or "auto"
    decimaltecken: str = ","
    tusentalsavgransare: str = " "
    datumformat: tuple[str, ...] = ("%Y-%m-%d",)
    rubrikrad: int = 1
    blad: str | None = None
    tecken: str = "debet-positiv"
    path: str = "<mappning>"  # the mapping file, for messages


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping file."""
    return parse_mapping(read_text(path, SourceError, "Mappningsfilen",
                                   'Kontrollera sökvägen (mappning = "…" under [huvudbok] i import.toml).'), str(path))


def parse_mapping(text: str, path: str = "<mappning>") -> Mapping:
    """Check a mapping's TOML text; `path` names it in messages."""
    toml = _Toml(text, path)
    toml.check_keys("", toml.data, TOP_KEYS)
    format_ = toml.choice("format", FORMATS, required=True)
    for key, only in ONLY_FOR_FORMAT.items():
        if toml.value(key) is not None and format_ != only:
            raise toml.error(key, f'{key} gäller bara format = "{only}"; ta bort raden.')
    columns = _columns(toml)
    decimal, thousands = _number_format(toml)
    return Mapping(
        namn=toml.text("namn", required=True),
        format=format_,
        kolumner=columns,
        dimensioner=_dimensions(toml),
        kodning=_encoding(toml),
        avgransare=DELIMITERS[toml.choice("avgransare", tuple(DELIMITERS), default=AUTO)],
        decimaltecken=decimal,
        tusentalsavgransare=thousands,
        datumformat=_date_formats(toml),
        rubrikrad=_header_row(toml),
        blad=toml.text("blad"),
        tecken=_sign(toml, columns),
        path=path,
    )


def _columns(toml: _Toml) -> Columns:
    table = toml.table("kolumner", required=True)
    toml.check_keys("kolumner", table, Columns._fields)
    headers = {field: toml.text(f"kolumner.{field}") for field in Columns._fields}
    for field in ("datum", "konto"):
        if headers[field] is None:
            raise toml.error("kolumner", f'Mappningen saknar kolumnen för {field}: ange {field} = "rubrik i filen" under [kolumner].')
    debet, kredit = headers["debet"], headers["kredit"]
    if headers["belopp"] is not None and (debet or kredit):
        raise toml.error("kolumner.debet" if debet else "kolumner.kredit",
                         "Ange antingen belopp eller debet och kredit under [kolumner], inte båda.")
    if headers["belopp"] is None and not (debet and kredit):
        if debet or kredit:
            have, need = ("debet", "kredit") if debet else ("kredit", "debet")
            raise toml.error(f"kolumner.{have}", f'{have} kräver även {need} = "rubrik i filen" under [kolumner].')
        raise toml.error("kolumner", 'Mappningen saknar beloppet: ange belopp = "rubrik i filen", eller debet och kredit, under [kolumner].')
    return Columns(**headers)


def _dimensions(toml: _Toml) -> tuple[tuple[str, str], ...]:
    table = toml.table("dimensioner")
    for name in table:
        if not name.strip():
            raise toml.error("dimensioner", "En dimension under [dimensioner] saknar namn.")
    return tuple((name, toml.text(f"dimensioner.{name}", required=True)) for name in table)


def _sign(toml: _Toml, columns: Columns) -> str:
    toml.check_keys("tecken", toml.table("tecken"), ("belopp",))
    sign = toml.choice("tecken.belopp", SIGNS, default=SIGNS[0])
    if sign != SIGNS[0] and columns.belopp is None:
        raise toml.error("tecken.belopp", "tecken gäller bara kolumnen belopp; med debet och kredit är tecknet givet. Ta bort raden.")
    return sign


def _number_format(toml: _Toml) -> tuple[str, str]:
    decimal = toml.choice("decimaltecken", DECIMAL_MARKS, default=",")
    thousands = toml.choice("tusentalsavgransare", THOUSANDS_SEPARATORS, default=" ")
    if thousands == decimal:
        raise toml.error("tusentalsavgransare", f"tusentalsavgransare kan inte vara samma tecken som decimaltecken ({_show(decimal)}).")
    return decimal, thousands


def _encoding(toml: _Toml) -> str:
    name = toml.text("kodning") or AUTO
    if name.lower() == AUTO:
        return AUTO
    try:
        b"".decode(name)  # refuses codecs that are not text encodings, e.g. base64
        return codecs.lookup(name).name
    except LookupError:
        raise toml.error("kodning", f'Okänd kodning {_show(name)}; välj t.ex. "utf-8", "cp1252", "iso-8859-1" eller "auto".') from None


def _date_formats(toml: _Toml) -> tuple[str, ...]:
    value = toml.value("datumformat")
    if value is None:
        return Mapping._field_defaults["datumformat"]
    formats = [value] if isinstance(value, str) else value
    if not isinstance(formats, list) or not formats or not all(isinstance(f, str) for f in formats):
        raise toml.error("datumformat", 'datumformat ska vara en text eller en lista av texter, t.ex. "%Y-%m-%d" eller ["%Y-%m-%d", "%Y%m%d"].')
    for format_ in formats:
        if not _reads_full_date(format_):
            raise toml.error("datumformat", (
                f"datumformat {_show(format_)} kan inte läsa ett datum med år, månad och dag. Använd strptime-koder, "
                't.ex. "%Y-%m-%d" för 2025-03-14 eller "%d.%m.%Y" för 14.03.2025.'))
    return tuple(formats)


def _reads_full_date(format_: str) -> bool:
    sample = datetime.datetime(2025, 3, 14)
    try:
        return datetime.datetime.strptime(sample.strftime(format_), format_) == sample
    except ValueError:
        return False


def _header_row(toml: _Toml) -> int:
    value = toml.value("rubrikrad")
    if value is None:
        return 1
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise toml.error("rubrikrad", f"rubrikrad ska vara radnumret för rubrikerna, ett heltal från 1 (inte {_show(value)}).")
    return value


class _Toml:
    """A mapping's settings (namndbok.settings), its keys named as dotted paths ("kolumner.datum")."""

    def __init__(self, text: str, path: str) -> None:
        self.settings = Settings(text, path, SourceError, "Mappningen", (
            'Skriv varje värde som nyckel = "text", ett tal eller en lista, och tabeller som [kolumner].'))
        self.data = self.settings.data

    def error(self, key: str, message: str) -> SourceError:
        """An error at the key's line (or its table's, when the key is missing)."""
        return self.settings.fail(_parts(key), message)

    def value(self, key: str) -> Any:
        table, _, name = key.partition(".") if "." in key else ("", "", key)
        return (self.data.get(table, {}) if table else self.data).get(name)

    def table(self, key: str, required: bool = False) -> dict:
        value = self.value(key)
        if value is None and required:
            raise self.error(key, f"Mappningen saknar tabellen [{key}].")
        if value is not None and not isinstance(value, dict):
            raise self.error(key, f"{key} ska vara en tabell: skriv [{key}] på en egen rad och nycklarna under den.")
        return value or {}

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.value(key)
        if value is None:
            if required:
                raise self.error(key, f'Mappningen saknar {_key_name(key)}: ange {_key_name(key, bare=True)} = "…".')
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, f'{_key_name(key)} ska vara en text inom citattecken, inte {_show(value)}.')
        return value.strip()

    def choice(self, key: str, choices: tuple[str, ...], default: str | None = None, required: bool = False) -> str:
        value = self.value(key)
        if value is None and not required:
            return default
        if value is None:
            raise self.error(key, f"Mappningen saknar {_key_name(key)}: ange {_key_name(key, bare=True)} = {_alternatives(choices)}.")
        if value not in choices:
            raise self.error(key, f"{_key_name(key)} ska vara {_alternatives(choices)}, inte {_show(value)}.")
        return value

    def check_keys(self, table: str, data: dict, allowed: tuple[str, ...]) -> None:
        where = f" under [{table}]" if table else ""
        schema = {key: Key(anything, "") for key in allowed}  # the values are read (and checked) one by one
        self.settings.check(_parts(table) if table else (), data, schema,
                            f"Okänd nyckel \"{{key}}\"{where}; tillåtna är {{allowed}}.")


def _parts(key: str) -> tuple[str, ...]:
    """A dotted key as a path: "kolumner.datum" → ("kolumner", "datum"); a name after the table's may hold dots."""
    table, dot, name = key.partition(".")
    return (table, name) if dot else (key,)


def _key_name(key: str, bare: bool = False) -> str:
    """How a key reads in a message: "datum under [kolumner]" (or just "datum")."""
    table, _, name = key.partition(".") if "." in key else ("", "", key)
    return f"{name} under [{table}]" if table and not bare else name


def _alternatives(choices: tuple[str, ...]) -> str:
    shown = [_show(c) for c in choices]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} eller {shown[-1]}"


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
