"""Ramberäkning: next year's budget ram and the plan years, from the ledger and an assumptions file.

The assumptions are data beside the ledger, `budget/ÅR.toml` (docs/budgetarbete.md):

    enhet = "tkr"                      # the file's amounts: kr, tkr or mnkr (default tkr)
    ram_aret_fore = 1047144            # optional: the ram of the year before ÅR

    [upprakning.2014]                  # one table per year of the table
    generell = 2.0                     # percent of the year's "Ram året före" …
    [upprakning.2015]
    loneokning = 3.0                   # … or wages, PO and prices on their shares:
    po = 0.2                           #   percentage points more PO on the wages
    prisupprakning = 1.5
    personalandel = 0.6                #   the wage share of the ram (prices: the rest)
    [upprakning.2016]
    generell = 2.0
    belopp = 22563                     # the published figure, when it is not the rate's
    notering = "Publicerat belopp; 2 % ger 22 564."

    [[volym]]
    namn = "Kompensation för förändrat antal äldre"
    pris = 100                         # per unit, in the file's enhet (or { 2014 = 100, … })
    volymer = { 2013 = 10000, 2014 = 10087 }   # or fil = "aldre.csv" (columns år;volym)

    [[forandring]]
    namn = "Nytt vårdboende"
    beslut = "KF 2013-06-17 §85"
    typ = "ny enhet"                   # satsning, besparing, ny enhet, kapitaltjänst, hyra, övrigt
    belopp = { 2014 = 300, 2015 = 17700 }      # each year's change of the ram (it then stays in it)

    [fordelning]                       # the internbudget (`namndbok budget fordela`, namndbok.fordelning)
    nyckel = "budget"                  # the default key: "budget" or "utfall" (last year's shares)
    [fordelning.del."Nytt vårdboende"] # one part of the table, by its row's name
    nyckel = "belopp"                  # all of it on one place …
    verksamhet = "5731"
    konto = "4610"                     # … (ansvar = "…" too, when the kontoplan has ansvar)
    [fordelning.del."Kompensation för förändrat antal äldre"]
    nyckel = "volym"                   # volume × price per verksamhet, on konto
    konto = "4610"
    volymer = { "5731" = 12, "5732" = 40 }
    pris = { "5731" = 1500, "5732" = 400 }     # optional (without it: by volume)

The table over the budget year and the plan years (`calculate_ram`): Ram året före, the
uplift, each volume compensation ((V_år − V_året före) × pris), each decided change,
Delsumma (the volumes and the changes), Summa rambudget (Ram året före + uplift +
Delsumma) and Förändring mellan åren (Summa − Ram året före); each year's Summa is the
next year's Ram året före.

Ram året före the budget year: `ram_aret_fore` when the file gives it (it wins, and the
table's notes say so beside the ledger's figure), else the ledger's kommunbidrag budget of
the year before after all its budget decisions (`namndbok.budget_decisions`).

Changes of single years decided in the ledger (`TemporaryChange`, read by
`namndbok.ram_ledger.temporary_changes`): a deficit repaid over years (`custom "eget-kapital"`
typ "aterbetalning", e.g. KF 2025-02-17 §14: 2026 −10 000, 2027 −10 000) changes each year's
kommunbidrag on its own. They are not retyped in the file (the same `beslut` in a
[[forandring]] for a year of the table is refused: it would count twice). Each year gets the
row "<namn>" with its amount, and, when the year before had one, the row "<namn>, året före
återförs" taking that amount out again, since Ram året före (the year before's kommunbidrag as
decided) holds it. The uplift is on the lasting ram: Ram året före + the återförs rows. Both
rows count in Delsumma, so Summa rambudget is the kommunbidrag the year will have.

Rounding (decided for the published 2014 table's quirk, 2 % of 1 128 189 = 22 563,78
printed 22 563 but 2 % of 1 047 144 = 20 942,88 printed 20 943): the ramberäkning works in
whole units of the file's `enhet`, as published tables do. Every computed amount (an uplift,
a volume compensation) is rounded half up (away from zero) to a whole unit when it is
computed, so the rounded figure is the one carried into the next year's ram, and the
table adds up exactly as printed. A figure that the rate does not give (a published
table's, a decision's) is written as the year's `belopp` with a `notering`; it wins over
the rate and the table's notes say what the rate would have given.

What if (`apply_assumptions`): changed rates or ram (`löneökning=3,5`, `2028:generell=2`)
give a new table from the same file, nothing written; `differences` gives new − old per row.

Pure: parsed assumptions and the ledger's figure in, rows out. Files are read by
`parse_assumptions` (namndbok.settings: UTF-8, TOML, fil:rad in every message).
"""

from __future__ import annotations

import csv
import io
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

from namndbok.settings import Key, Settings, SettingsError, is_tables, is_text, read_settings, read_text
from namndbok.swedish import UNITS, format_amount, format_number

FOLDER = "budget"
UNIT_DEFAULT = "tkr"
CHANGE_TYPES = ("satsning", "besparing", "ny enhet", "kapitaltjänst", "hyra", "övrigt")

RAM_BEFORE = "Ram året före"
GENERAL = "Generell uppräkning"
WAGES = "Löneökning"
PO = "PO-förändring"
PRICES = "Prisuppräkning"
SUBTOTAL = "Delsumma"
TOTAL = "Summa rambudget"
CHANGE = "Förändring mellan åren"


class RamError(SettingsError):
    """An assumptions file that cannot be used (fil:rad: meddelande)."""


class Uplift(NamedTuple):
    """One year's uplift: a general rate, or wages, PO and prices on the wage share; percent."""

    year: int
    generell: Decimal | None = None
    loneokning: Decimal | None = None
    po: Decimal | None = None
    prisupprakning: Decimal | None = None
    personalandel: Decimal | None = None
    belopp: Decimal | None = None  # a fixed amount (the file's enhet) that wins over the rate
    notering: str | None = None
    line: int = 0

    @property
    def general(self) -> bool:
        return self.generell is not None


class VolumeDriver(NamedTuple):
    namn: str
    pris: dict[int, Decimal] | Decimal  # per unit, the file's enhet; per year or one for all
    volymer: dict[int, Decimal]
    where: str  # "fil:rad" of the volumes, for a message about a missing year


class DecidedChange(NamedTuple):
    namn: str
    beslut: str
    typ: str
    belopp: dict[int, Decimal]  # each year's change of the ram, the file's enhet
    line: int = 0


class TemporaryChange(NamedTuple):
    """A change of single years' kommunbidrag decided in the ledger, not in the file: a deficit
    repaid over years (`custom "eget-kapital"` typ "aterbetalning", namndbok.eget_kapital). Each
    year's amount is in that year's ram only; the next year starts without it."""

    namn: str
    beslut: str
    belopp: dict[int, Decimal]  # kronor per year, committee sign (more kommunbidrag > 0)
    where: str  # fil:rad of the decision


REVERSED = ", året före återförs"  # the row that takes the year before's temporary change out again


KEYS = ("budget", "utfall", "belopp", "volym")


class PartKey(NamedTuple):
    """How one part of the ram (a row of the table) is spread in the internbudget."""

    nyckel: str  # one of KEYS
    verksamhet: str | None = None
    konto: str | None = None
    ansvar: str | None = None
    volymer: dict[str, Decimal] = {}
    pris: dict[str, Decimal] = {}
    line: int = 0


class Distribution(NamedTuple):
    default: PartKey
    parts: dict[str, PartKey]  # by the row's name


class Assumptions(NamedTuple):
    path: str
    enhet: str
    ram_aret_fore: Decimal | None
    ram_line: int
    uplifts: dict[int, Uplift]
    volumes: tuple[VolumeDriver, ...]
    changes: tuple[DecidedChange, ...]
    upprakning_line: int = 0
    fordelning: Distribution = Distribution(PartKey("budget"), {})


class RamRow(NamedTuple):
    label: str
    values: tuple[Decimal | None, ...]  # kronor per year; None: nothing that year
    bold: bool = False


class RamTable(NamedTuple):
    years: tuple[int, ...]
    rows: tuple[RamRow, ...]
    enhet: str
    notes: tuple[str, ...]

    def row(self, label: str) -> RamRow:
        return next(row for row in self.rows if row.label == label)


# ---------------------------------------------------------------------------
# The file.

def assumptions_path(ledger: str | Path, year: int) -> Path:
    """Where the assumptions for budget `year` lie: budget/ÅR.toml beside the ledger."""
    return Path(ledger).parent / FOLDER / f"{year}.toml"


LARGEST = 10 ** 15  # an amount or volume beyond it is a typing error (and would pass Decimal's 28 digits)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) < LARGEST  # inf, nan: no


def _is_rate(value) -> bool:
    return _is_number(value) and abs(value) <= 100


def _is_years(value) -> bool:
    return isinstance(value, dict) and all(re.fullmatch(r"\d{4}", str(k)) and _is_number(v) for k, v in value.items())


def _is_price(value) -> bool:
    return _is_number(value) or _is_years(value)


TOP = {
    "enhet": Key(lambda v: v in UNITS, 'enhet ska vara "kr", "tkr" eller "mnkr" (filens belopp), inte {value}.'),
    "ram_aret_fore": Key(_is_number, "ram_aret_fore ska vara ett belopp i filens enhet, t.ex. ram_aret_fore = 1047144, inte {value}."),
    "upprakning": Key(lambda v: isinstance(v, dict) and all(isinstance(t, dict) for t in v.values()),
                      "upprakning ska vara tabeller per år: [upprakning.2027]."),
    "volym": Key(is_tables, "volym ska vara tabeller: [[volym]]."),
    "forandring": Key(is_tables, "forandring ska vara tabeller: [[forandring]]."),
    "fordelning": Key(lambda v: isinstance(v, dict), "fordelning ska vara en tabell: [fordelning]."),
}
_KEY_TEXT = "nyckel ska vara en av " + ", ".join(f'"{k}"' for k in KEYS) + ", inte {value}."
_CODE = "{key} ska vara en kod inom citattecken, t.ex. {key} = \"5731\", inte {value}."


def _is_code(value) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[^\s:\"]+", value) is not None


def _is_code_numbers(value) -> bool:
    return (isinstance(value, dict) and bool(value)
            and all(_is_code(k) and _is_number(v) and v >= 0 for k, v in value.items()))


DISTRIBUTION = {
    "nyckel": Key(lambda v: v in ("budget", "utfall"), 'nyckel i [fordelning] ska vara "budget" eller "utfall" (fjolårets '
                                                       "andelar), inte {value}; belopp och volym anges per del."),
    "del": Key(lambda v: isinstance(v, dict) and all(isinstance(t, dict) for t in v.values()),
               'del ska vara tabeller per del av ramen: [fordelning.del."Radens namn"].'),
}
PART = {
    "nyckel": Key(lambda v: v in KEYS, _KEY_TEXT, required=True),
    "verksamhet": Key(_is_code, _CODE),
    "konto": Key(_is_code, _CODE),
    "ansvar": Key(_is_code, _CODE),
    "volymer": Key(_is_code_numbers, 'volymer ska vara en volym per verksamhet, t.ex. volymer = { "5731" = 12, "5732" = 40 }.'),
    "pris": Key(_is_code_numbers, 'pris ska vara ett pris per verksamhet, t.ex. pris = { "5731" = 1500, "5732" = 400 }.'),
}
_PERCENT = "{key} ska vara en procentsats som tal mellan -100 och 100, t.ex. {key} = 2.5, inte {value}."
UPLIFT = {
    "generell": Key(_is_rate, _PERCENT),
    "loneokning": Key(_is_rate, _PERCENT),
    "po": Key(_is_rate, "po ska vara PO-pålägget förändring i procentenheter (-100 till 100), t.ex. po = 0.3, inte {value}."),
    "prisupprakning": Key(_is_rate, _PERCENT),
    "personalandel": Key(lambda v: _is_number(v) and 0 <= v <= 1,
                         "personalandel ska vara lönernas andel av ramen mellan 0 och 1, t.ex. 0.6, inte {value}."),
    "belopp": Key(_is_number, "belopp ska vara årets uppräkning i filens enhet, t.ex. belopp = 22563, inte {value}."),
    "notering": Key(is_text, "notering ska vara en text inom citattecken."),
}
VOLUME = {
    "namn": Key(is_text, 'Varje [[volym]] behöver namn = "…" (radens text i tabellen).', required=True),
    "pris": Key(_is_price, "pris ska vara priset per enhet i filens enhet, t.ex. pris = 100 eller pris = { 2027 = 100 }, "
                           "inte {value}.", required=True),
    "volymer": Key(_is_years, "volymer ska vara en volym per år, t.ex. volymer = { 2026 = 1200, 2027 = 1250 }."),
    "fil": Key(is_text, 'fil ska vara en CSV-fil bredvid filen, t.ex. fil = "aldre.csv".'),
    "enhet": Key(is_text, 'enhet ska vara volymens enhet som text, t.ex. enhet = "invånare 80+".'),
}
DECIDED = {
    "namn": Key(is_text, 'Varje [[forandring]] behöver namn = "…" (radens text i tabellen).', required=True),
    "beslut": Key(is_text, 'Varje [[forandring]] behöver beslut = "…", beslutsreferensen (t.ex. "KF 2026-06-15 §80").',
                  required=True),
    "typ": Key(lambda v: v in CHANGE_TYPES, "typ ska vara en av " + ", ".join(f'"{t}"' for t in CHANGE_TYPES)
               + ", inte {value}."),
    "belopp": Key(_is_years, "belopp ska vara årets förändring av ramen per år i filens enhet, "
                             "t.ex. belopp = { 2027 = 3000, 2028 = -1500 }.", required=True),
}


def _decimal(value) -> Decimal:
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


def _years(table: dict) -> dict[int, Decimal]:
    return {int(year): _decimal(value) for year, value in table.items()}


def parse_assumptions(path: str | Path) -> Assumptions:
    """The assumptions file, checked; a RamError (fil:rad) for anything that cannot be right."""
    toml = read_settings(path, RamError, "Antagandefilen",
                         "Skapa budget/ÅR.toml bredvid liggaren (se docs/budgetarbete.md) eller ange den med --antaganden.")
    toml.check((), toml.data, TOP, "Okänd inställning '{key}'; tillåtna är {allowed}.")
    data = toml.data
    uplifts = {}
    for year, table in data.get("upprakning", {}).items():
        where = ("upprakning", year)
        if not re.fullmatch(r"\d{4}", year):
            raise toml.fail(where, f"[upprakning.{year}]: ange året, t.ex. [upprakning.2027].")
        toml.check(where, table, UPLIFT, "Okänd nyckel {key} i [upprakning.{code}]; tillåtna är {allowed}.")
        uplifts[int(year)] = _uplift(toml, int(year), table)
    volumes = tuple(_volume(toml, index, item) for index, item in enumerate(data.get("volym", [])))
    changes = []
    for index, item in enumerate(data.get("forandring", [])):
        toml.check(("forandring", index), item, DECIDED, "Okänd nyckel {key} i [[forandring]]; tillåtna är {allowed}.")
        changes.append(DecidedChange(item["namn"].strip(), item["beslut"].strip(), item.get("typ", "övrigt"),
                                     _years(item["belopp"]), toml.line("forandring", index)))
    ram = data.get("ram_aret_fore")
    return Assumptions(str(path), data.get("enhet", UNIT_DEFAULT), None if ram is None else _decimal(ram),
                       toml.line("ram_aret_fore"), uplifts, volumes, tuple(changes),
                       min((line for key, line in toml.lines.items() if key[:1] == ("upprakning",)), default=0),
                       _distribution(toml, data.get("fordelning", {})))


def _distribution(toml: Settings, table: dict) -> Distribution:
    toml.check(("fordelning",), table, DISTRIBUTION, "Okänd nyckel {key} i [fordelning]; tillåtna är {allowed}.")
    parts = {}
    for name, item in table.get("del", {}).items():
        where = ("fordelning", "del", name)
        toml.check(where, item, PART, f"Okänd nyckel {{key}} i [fordelning.del.\"{name}\"]; tillåtna är {{allowed}}.")
        key = item["nyckel"]
        needed = {"belopp": ("verksamhet", "konto"), "volym": ("konto", "volymer")}.get(key, ())
        missing = [k for k in needed if k not in item]
        if missing:
            raise toml.fail(where, f"[fordelning.del.\"{name}\"] med nyckel = \"{key}\" behöver {' och '.join(missing)}.")
        extra = [k for k in ("verksamhet", "konto", "ansvar", "volymer", "pris") if k in item and key in ("budget", "utfall")]
        extra += [k for k in ("volymer", "pris") if k in item and key == "belopp"] + (["verksamhet"] if key == "volym" and "verksamhet" in item else [])
        if extra:
            raise toml.fail((*where, extra[0]), f"[fordelning.del.\"{name}\"]: {extra[0]} hör inte till nyckel = \"{key}\".")
        pris = {code: _decimal(v) for code, v in item.get("pris", {}).items()}
        volymer = {code: _decimal(v) for code, v in item.get("volymer", {}).items()}
        unpriced = [code for code in volymer if pris and code not in pris]
        if unpriced:
            raise toml.fail((*where, "pris"), f"[fordelning.del.\"{name}\"]: pris saknas för verksamhet {unpriced[0]}.")
        parts[name] = PartKey(key, item.get("verksamhet"), item.get("konto"), item.get("ansvar"), volymer, pris,
                              toml.line(*where))
    return Distribution(PartKey(table.get("nyckel", "budget"), line=toml.line("fordelning")), parts)


def _uplift(toml: Settings, year: int, table: dict) -> Uplift:
    where = ("upprakning", str(year))
    parts = [key for key in ("loneokning", "po", "prisupprakning", "personalandel") if key in table]
    if "generell" in table and parts:
        raise toml.fail((*where, parts[0]), f"[upprakning.{year}] har både generell och {parts[0]}: ange en generell "
                                            "procentsats eller löneökning, PO och prisuppräkning, inte båda.")
    if "generell" not in table:
        missing = [key for key in ("loneokning", "prisupprakning", "personalandel") if key not in table]
        if missing:
            raise toml.fail(where, f"[upprakning.{year}] saknar {', '.join(missing)}: ange generell = … eller "
                                   "loneokning, prisupprakning och personalandel (po om PO-pålägget ändras).")
        if "belopp" in table:
            raise toml.fail((*where, "belopp"), f"[upprakning.{year}]: ett fast belopp hör till en generell "
                                                "procentsats; ange generell = … bredvid det.")
    values = {key: _decimal(value) for key, value in table.items() if key != "notering"}
    return Uplift(year, **values, notering=table.get("notering"), line=toml.line(*where))


def _volume(toml: Settings, index: int, item: dict) -> VolumeDriver:
    where = ("volym", index)
    toml.check(where, item, VOLUME, "Okänd nyckel {key} i [[volym]]; tillåtna är {allowed}.")
    if ("volymer" in item) == ("fil" in item):
        raise toml.fail(where, f"[[volym]] '{item['namn']}': ange volymerna antingen som volymer = {{ 2026 = … }} "
                               'eller i en CSV-fil med fil = "…", en av dem.')
    price = item["pris"]
    pris = _years(price) if isinstance(price, dict) else _decimal(price)
    if "volymer" in item:
        return VolumeDriver(item["namn"].strip(), pris, _years(item["volymer"]), f"{toml.path}:{toml.line(*where, 'volymer')}")
    csv_path = Path(toml.path).parent / item["fil"]
    return VolumeDriver(item["namn"].strip(), pris, read_volume_csv(csv_path), f"{csv_path}")


def read_volume_csv(path: Path) -> dict[int, Decimal]:
    """A volume per year from a CSV file: a header, then `år;volym` rows (semicolon or comma between,
    a decimal comma accepted with semicolons)."""
    text = read_text(path, RamError, "Volymfilen", "Lägg CSV-filen bredvid antagandefilen eller rätta fil = i [[volym]].")
    delimiter = ";" if ";" in text.partition("\n")[0] else ","
    volumes: dict[int, Decimal] = {}
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
        if number == 1 or not any(cell.strip() for cell in row):
            continue
        if len(row) < 2 or not re.fullmatch(r"\d{4}", row[0].strip()):
            raise RamError(str(path), number, "Raden ska vara år och volym, t.ex. 2027;1250.")
        try:
            volume = parse_number(row[1])
        except ValueError:
            raise RamError(str(path), number, f"Volymen '{row[1].strip()}' är inte ett tal.") from None
        if abs(volume) >= LARGEST:
            raise RamError(str(path), number, f"Volymen '{row[1].strip()}' är orimligt stor.")
        if int(row[0]) in volumes:
            raise RamError(str(path), number, f"Året {row[0].strip()} står två gånger.")
        volumes[int(row[0])] = volume
    return volumes


def parse_number(text: str) -> Decimal:
    """A number as Swedes write it: '3,5', '3.5', '-1 200', '1 047 144'; ValueError otherwise."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", ".").replace("\u2212", "-")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


# ---------------------------------------------------------------------------
# What if: changed assumptions.

class Override(NamedTuple):
    name: str  # one of OVERRIDABLE
    year: int | None  # None: every year of the table
    value: Decimal
    text: str  # as the user wrote it


OVERRIDABLE = {"generell": "generell", "loneokning": "loneokning", "po": "po", "prisupprakning": "prisupprakning",
               "personalandel": "personalandel", "ram": "ram_aret_fore", "ramaretfore": "ram_aret_fore"}
_FOLD = str.maketrans("åäöÅÄÖ", "aaoAAO")


def parse_override(text: str) -> Override:
    """`löneökning=3,5` or `2028:generell=2` (the name with or without å, ä, ö); ValueError with a Swedish message."""
    name, equals, value = text.partition("=")
    year = None
    if ":" in name:
        year_text, _, name = name.partition(":")
        if not re.fullmatch(r"\d{4}", year_text.strip()):
            raise ValueError(f"'{text}': året före kolon ska vara ett år, t.ex. 2028:generell=2.")
        year = int(year_text)
    key = re.sub(r"[\s_-]", "", name.translate(_FOLD).lower())
    if not equals or key not in OVERRIDABLE:
        raise ValueError(f"'{text}': skriv NAMN=VÄRDE eller ÅR:NAMN=VÄRDE, där NAMN är generell, löneökning, po, "
                         "prisuppräkning, personalandel eller ram, t.ex. löneökning=3,5.")
    try:
        number = parse_number(value)
    except ValueError:
        raise ValueError(f"'{text}': värdet '{value}' är inte ett tal (decimalkomma går bra: 3,5).") from None
    if abs(number) >= LARGEST or (OVERRIDABLE[key] != "ram_aret_fore" and abs(number) > 100):
        raise ValueError(f"'{text}': värdet är orimligt stort (en procentsats ligger mellan -100 och 100).")
    if OVERRIDABLE[key] == "personalandel" and not 0 <= number <= 1:
        raise ValueError(f"'{text}': personalandel ska vara mellan 0 och 1.")
    return Override(OVERRIDABLE[key], year, number, text)


def apply_assumptions(assumptions: Assumptions, overrides: list[Override], years: tuple[int, ...]) -> tuple[Assumptions, list[str]]:
    """The assumptions with the overrides applied to the table's `years` (nothing is written), and
    notes on what a changed rate replaced; ValueError (Swedish) for a change that does not fit a year."""
    uplifts, ram, notes = dict(assumptions.uplifts), assumptions.ram_aret_fore, []
    for override in overrides:
        if override.name == "ram_aret_fore":
            if override.year not in (None, years[0]):
                raise ValueError(f"'{override.text}': ram gäller året före budgetåret; ange ram=BELOPP utan år.")
            ram = override.value
            notes.append(f"{RAM_BEFORE} {years[0]}: {format_number(ram, 0)} {assumptions.enhet} enligt {override.text}.")
            continue
        if override.year is not None and override.year not in years:
            raise ValueError(f"'{override.text}': {override.year} är inte ett av tabellens år ({years[0]}–{years[-1]}).")
        general_name = override.name == "generell"
        named = [override.year] if override.year is not None else years
        fitting = [y for y in named if y in uplifts and uplifts[y].general == general_name]
        if not fitting and any(y in uplifts for y in named):
            used = "löneökning, PO och prisuppräkning" if general_name else "generell uppräkning"
            other = "löneökning, po, prisuppräkning eller personalandel" if general_name else "generell"
            raise ValueError(f"'{override.text}': {', '.join(map(str, named))} räknas med {used} i {assumptions.path}; "
                             f"ändra {other} i stället.")
        if override.year is None and len(fitting) < len(named):
            notes.append(f"{override.text} gäller {', '.join(map(str, fitting))}; de andra åren räknas som i filen "
                         f"({'löneökning, PO och prisuppräkning' if general_name else 'generell uppräkning'}).")
        for year in fitting:
            uplift = uplifts[year]
            if uplift.belopp is not None:
                notes.append(f"{year}: det fasta beloppet {format_number(uplift.belopp, 0)} i filen gäller inte med "
                             f"{override.text}; uppräkningen räknas med procentsatsen.")
                uplift = uplift._replace(belopp=None, notering=None)
            uplifts[year] = uplift._replace(**{override.name: override.value})
    changed_ram = ram != assumptions.ram_aret_fore
    return assumptions._replace(uplifts=uplifts, ram_aret_fore=ram,
                                ram_line=0 if changed_ram else assumptions.ram_line), notes


# ---------------------------------------------------------------------------
# The table.

def whole(value: Decimal) -> Decimal:
    """Half up (away from zero) to a whole unit: the ramberäkning's one rounding."""
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _uplift_amounts(uplift: Uplift, ram: Decimal) -> dict[str, Decimal]:
    """The year's uplift rows (the file's enhet, whole units) on the year's Ram året före."""
    if uplift.general:
        return {GENERAL: uplift.belopp if uplift.belopp is not None else whole(ram * uplift.generell / 100)}
    wages = ram * uplift.personalandel
    return {WAGES: whole(wages * uplift.loneokning / 100),
            PO: whole(wages * (uplift.po or 0) / 100),
            PRICES: whole((ram - wages) * uplift.prisupprakning / 100)}


def _price(driver: VolumeDriver, year: int) -> Decimal | None:
    return driver.pris.get(year) if isinstance(driver.pris, dict) else driver.pris


def calculate_ram(assumptions: Assumptions, year: int, plan_years: int, ledger_ram: Decimal | None,
                  temporary: tuple[TemporaryChange, ...] = ()) -> RamTable:
    """The ramberäkning for budget `year` and `plan_years` after it. `ledger_ram`: the ledger's
    kommunbidrag of the year before, kronor (None: none); `temporary`: the ledger's changes of
    single years (each year's amount a row, the year before's taken out again by a row
    "…, året före återförs" before the uplift, which is on the lasting ram).
    RamError (fil:rad) for a missing figure or a decision both in the file and in the ledger."""
    path, unit = assumptions.path, UNITS[assumptions.enhet]
    years = tuple(range(year, year + plan_years + 1))
    notes = []
    _check_not_doubled(assumptions, temporary, years)
    if assumptions.ram_aret_fore is not None:
        ram = assumptions.ram_aret_fore
        source = f"{path}:{assumptions.ram_line}" if assumptions.ram_line else "antagandet ram"
        if ledger_ram is not None:
            notes.append(f"{RAM_BEFORE} {year}: {format_number(ram, 0)} {assumptions.enhet} enligt {source}; liggarens "
                         f"kommunbidrag {year - 1} är {format_amount(ledger_ram, assumptions.enhet, 0)}.")
    elif ledger_ram == 0:  # decisions with lines, but none on the kommunbidrag: a ram of 0 would be silently wrong
        raise RamError(path, 0, f"Liggarens kommunbidrag för {year - 1} är 0: budgetbesluten det året har inga rader på "
                                f"kommunbidraget. Ange ramen med ram_aret_fore = … i filen.")
    elif ledger_ram is not None:
        ram = whole(ledger_ram / unit)
        notes.append(f"{RAM_BEFORE} {year}: liggarens kommunbidrag {year - 1} efter årets budgetbeslut.")
    else:
        raise RamError(path, 0, f"Liggaren har inget kommunbidrag för {year - 1} (inga budgetbeslut med budgetrader det "
                                f"året). Ange ramen med ram_aret_fore = … i filen.")
    for y in years:
        if y not in assumptions.uplifts:
            raise RamError(path, assumptions.upprakning_line, f"Uppräkning saknas för {y}: lägg till [upprakning.{y}] med "
                                                              "generell = … (eller loneokning, po, prisupprakning, personalandel).")
    uplift_labels = [label for label in (GENERAL, WAGES, PO, PRICES)
                     if any(label in _uplift_amounts(assumptions.uplifts[y], Decimal(1)) for y in years)]
    columns: dict[str, list[Decimal | None]] = {}
    order: list[str] = [RAM_BEFORE, *uplift_labels]

    def put(label: str, index: int, value: Decimal | None) -> None:
        if label not in columns:
            columns[label] = [None] * len(years)
            if label not in order:
                order.append(label)
        columns[label][index] = value

    moving: list[str] = []  # the volume and change rows, in the file's order, then the ledger's
    for driver in assumptions.volumes:
        moving.append(driver.namn)
    for change in assumptions.changes:
        moving.append(change.namn)
    reversals = [t.namn + REVERSED for t in temporary if any(y - 1 in t.belopp for y in years)]
    for t in temporary:
        notes.append(f"{t.namn}: fullmäktiges beslut {t.beslut} i liggaren ({t.where}) ändrar kommunbidraget ett år i "
                     "taget: årets belopp ingår i ramen, och föregående års belopp återförs före uppräkningen.")
    for index, y in enumerate(years):
        put(RAM_BEFORE, index, ram)
        back = Decimal(0)  # the year before's single-year changes, taken out of the ram again
        for t in temporary:
            if y - 1 in t.belopp:
                put(t.namn + REVERSED, index, -whole(t.belopp[y - 1] / unit))
                back -= whole(t.belopp[y - 1] / unit)
        base = ram + back  # the lasting ram the uplift is on
        uplift = assumptions.uplifts[y]
        amounts = _uplift_amounts(uplift, base)
        for label, amount in amounts.items():
            put(label, index, amount)
        if uplift.belopp is not None:
            rate = whole(base * uplift.generell / 100)
            if rate != uplift.belopp:
                notes.append(f"{y}: {GENERAL.lower()} {format_number(uplift.belopp, 0)} enligt filen "
                             f"({format_number(uplift.generell, 2).rstrip('0').rstrip(',')} % ger {format_number(rate, 0)})"
                             + (f": {uplift.notering}" if uplift.notering else "."))
        subtotal = Decimal(0)
        for driver in assumptions.volumes:
            price = _price(driver, y)
            if price is None or y not in driver.volymer or y - 1 not in driver.volymer:
                missing = y if y not in driver.volymer else y - 1
                what = f"priset för {y}" if price is None else f"volymen för {missing}"
                raise RamError(*_where(driver.where), f"'{driver.namn}' saknar {what} (kompensationen {y} är "
                                                      f"(volym {y} − volym {y - 1}) × pris {y}).")
            amount = whole((driver.volymer[y] - driver.volymer[y - 1]) * price)
            put(driver.namn, index, amount)
            subtotal += amount
        for change in assumptions.changes:
            amount = change.belopp.get(y)
            put(change.namn, index, amount)
            subtotal += amount or 0
        for t in temporary:
            amount = whole(t.belopp[y] / unit) if y in t.belopp else None
            put(t.namn, index, amount)
            subtotal += amount or 0
        subtotal += back
        total = ram + sum(amounts.values()) + subtotal
        put(SUBTOTAL, index, subtotal)
        put(TOTAL, index, total)
        put(CHANGE, index, total - ram)
        ram = total
    ledger_rows = [t.namn for t in temporary if any(y in t.belopp for y in years)]
    labels = [RAM_BEFORE, *reversals, *uplift_labels, *dict.fromkeys(moving), *ledger_rows, SUBTOTAL, TOTAL, CHANGE]
    bold = {RAM_BEFORE, SUBTOTAL, TOTAL, CHANGE}
    rows = tuple(RamRow(label, tuple(None if v is None else v * unit for v in columns[label]), label in bold)
                 for label in labels)
    return RamTable(years, rows, assumptions.enhet, tuple(notes))


def _check_not_doubled(assumptions: Assumptions, temporary: tuple[TemporaryChange, ...], years: tuple[int, ...]) -> None:
    """A decided change the ledger already holds (the same decision reference, a year of the
    table) is refused in the file: counted twice, the ram would be wrong by its amount."""
    for change in assumptions.changes:
        for t in temporary:
            both = sorted(y for y in years if y in change.belopp and y in t.belopp)
            if change.beslut == t.beslut and both:
                raise RamError(assumptions.path, change.line,
                               f"'{change.namn}' ({change.beslut}) finns redan i liggaren som '{t.namn}' ({t.where}) "
                               f"för {', '.join(map(str, both))}; ramberäkningen tar den därifrån. Ta bort "
                               "[[forandring]] ur filen så att den inte räknas två gånger.")
        if change.namn in {t.namn for t in temporary} | {t.namn + REVERSED for t in temporary}:
            raise RamError(assumptions.path, change.line,
                           f"'{change.namn}' heter som ett beslut i liggaren; ge förändringen ett eget namn.")


def _where(where: str) -> tuple[str, int]:
    path, _, line = where.rpartition(":")
    return (path, int(line)) if line.isdigit() else (where, 0)


def differences(new: RamTable, old: RamTable) -> dict[str, tuple[Decimal | None, ...]]:
    """New − old per row and year (kronor); a row only one table has counts the other as zero."""
    olds = {row.label: row.values for row in old.rows}
    out = {}
    for row in new.rows:
        before = olds.get(row.label, (None,) * len(row.values))
        out[row.label] = tuple(None if a is None and b is None else (a or 0) - (b or 0) for a, b in zip(row.values, before))
    return out


def cells(table: RamTable, unit: str, decimals: int, old: RamTable | None = None) -> tuple[list[str], list[list[str]]]:
    """Headers and printed cells: a column per year, and with `old` a "Skillnad ÅR" column per year."""
    headers = [unit.capitalize(), *map(str, table.years)]
    diffs = differences(table, old) if old is not None else {}
    if old is not None:
        headers += [f"Skillnad {y}" for y in table.years]
    rows = []
    for row in table.rows:
        printed = [row.label, *(format_amount(v, unit, decimals) for v in row.values)]
        if old is not None:
            printed += [format_amount(v, unit, decimals) for v in diffs[row.label]]
        rows.append(printed)
    return headers, rows
