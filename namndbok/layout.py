"""Report layouts as data: which rows and columns a committee's table has.

A layout is a TOML file the economists edit in git (`layouter/*.toml` beside
the ledger):

    namn = "Verksamhetens nettokostnader"
    enhet = "mnkr"             # kr, tkr or mnkr
    decimaler = 1
    typ = ["intäkt", "kostnad"]  # what the rows count unless a row says otherwise

    [[kolumner]]
    rubrik = "Utfall {datum}"    # {datum} 2026-02-28, {period} "feb 2026", {ar} 2026, {foregaende_ar} 2025
    matt = "utfall"              # any measure of the engine (namndbok.engine.Measures)

    [[kolumner]]
    rubrik = "Helårsprognos {ar}08"
    matt = "prognos"
    per = "08"                   # this column at another date: "MM" in the report's year, or "ÅÅÅÅ-MM"

    [[rader]]
    en_rad_per = "radgrupp"      # one row per row group of the kontoplan, in its order

    [[rader]]
    namn = "Barn- och ungdomsvård"
    radgrupp = ["Barn- och ungdomsvård"]
    utom_verksamhet = ["550"]    # a verksamhet moved to a row of its own

    [[rader]]
    namn = "Nettokostnader"
    summa = "alla"               # the rows above (or a list of row names)

    [[rader]]
    namn = "Ackumulerat resultat (inklusive årets resultat)"
    eget_kapital = true          # utgående eget kapital: by utfall, budget, prognos, bokslut fg år

A layout with `slag = "prognossakerhet"` is the prognossäkerhet table
(`namndbok.prognossakerhet`): one row per follow-up of the last year closed by the
report date, no [[rader]]; its columns take `prognos`, `utfall`, `avvikelse`
(prognos − utfall of årets resultat), `avvikelse_helar_pct` (of the year's
nettokostnad), `prognos_basta` and `prognos_samsta`, and {ar} in a header is that year.
A column's `decimaler` overrides the layout's for that column, also for a percentage
(which otherwise prints whole percent).

A column may count only some kinds (`typ = ["kommunbidrag"]`), e.g. the
kommunbidrag column of a table whose rows are results. Investments are the
kind `investering` (konton marked `investering = true` in the kontoplan); a row
with `vand_tecken = true` prints them as positive spend.
A row selects by `typ`, `radgrupp`, `verksamhet`, `ansvar`, `konto` (lists),
`utom_verksamhet`, `utom_konto` (a konto shown on a row of its own, not counted
again), or `ofordelat = true` (what lies on the nämnd itself, on no verksamhet,
such as an unallocated saving); the engine computes it, so a row is exactly what
the ledger holds for that selection. A named row prints 0 where nothing is
booked, as committees print it (`tom = "blank"` keeps the cell empty; a row per
group keeps an empty group blank unless it says `tom = "0"`). Every key is
described, with an example, in docs/layouter.md. `parse_layout` is pure and checks every name
against the kontoplan, with Swedish errors naming the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from namndbok.accounts import KIND_INVESTERING, RESULT_KINDS

LAYOUT_KINDS = (*RESULT_KINDS, KIND_INVESTERING)
from namndbok.engine import MEASURES
from namndbok.kontoplan import Kontoplan
from namndbok.settings import Key, Settings, SettingsError, anything, is_tables, is_text, one_of, read_text, shown_value
from namndbok.swedish import UNITS

DIMENSIONS = ("radgrupp", "verksamhet", "ansvar", "konto")
ROW_KEYS = {"namn", "typ", "summa", "en_rad_per", "utom_verksamhet", "utom_konto", "fet", "eget_kapital", "vand_tecken", "ofordelat", "tom",
            *DIMENSIONS}
COLUMN_KEYS = {"rubrik", "matt", "per", "typ", "decimaler"}
KINDS = ("tabell", "prognossakerhet")  # `slag`: rows as [[rader]] say, or one per follow-up of a closed year
# What a prognossäkerhet layout's columns show, in the engine's names (namndbok.report.prognossakerhet_report).
PROGNOSSAKERHET_MEASURES = ("prognos", "utfall", "avvikelse", "avvikelse_helar_pct", "prognos_basta", "prognos_samsta")
EMPTY = ("0", "blank")  # `tom`: what a cell with nothing booked prints
# What a header may say in braces (filled in by namndbok.report.header): the column's date, the
# report's period, its year, the year before, the follow-up month of the column.
PLACEHOLDERS = ("datum", "period", "ar", "foregaende_ar", "fg_ar", "uppfoljning")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class Column(NamedTuple):
    rubrik: str
    matt: str
    per: str | None = None
    typ: tuple[str, ...] | None = None  # count only these kinds in this column (e.g. kommunbidrag)
    decimaler: int | None = None  # this column's decimals (amount or percentage); None: the layout's (whole percent)


class RowSpec(NamedTuple):
    namn: str | None
    typ: tuple[str, ...]
    filters: tuple[tuple[str, tuple[str, ...]], ...]  # (dimension, allowed values)
    utom_verksamhet: tuple[str, ...] = ()
    summa: tuple[str, ...] | str | None = None  # row names, or "alla"
    en_rad_per: str | None = None
    fet: bool = False
    eget_kapital: bool = False  # ackumulerat resultat inklusive årets resultat
    vand_tecken: bool = False  # print the row with the other sign (e.g. investments as positive spend)
    utom_konto: tuple[str, ...] = ()  # konton shown on a row of their own, not counted again here
    tom: str = "0"  # a cell with nothing booked: "0" (a named row's default) or "blank" (en_rad_per's default)


class Layout(NamedTuple):
    path: str
    namn: str
    rubrik: str  # the first column's header, e.g. "Mnkr"
    enhet: str
    decimaler: int
    kolumner: tuple[Column, ...]
    rader: tuple[RowSpec, ...]
    slag: str = "tabell"  # KINDS


class LayoutError(SettingsError):
    """A layout that cannot be used; str() is `fil:rad: meddelande` (`fil: meddelande` for the file as a whole)."""


def load_layout(path: str | Path, plan: Kontoplan | None = None) -> Layout:
    return parse_layout(read_text(path, LayoutError, "Layouten"), str(path), plan)


def layout_folder(ledger: str | Path) -> Path:
    """The ledger's layouts: `layouter/` beside its main file."""
    return Path(ledger).parent / "layouter"


def layout_names(ledger: str | Path) -> list[str]:
    """The names of the ledger's layouts (`layouter/NAMN.toml`), sorted."""
    return names_in(layout_folder(ledger))


def names_in(folder: Path) -> list[str]:
    """The names of the layouts in `folder` (NAMN.toml), sorted; none when there is no such folder."""
    return sorted(path.stem for path in folder.glob("*.toml")) if folder.is_dir() else []


def find_layout(given: str | Path, ledger: str | Path) -> Path:
    """A layout given as a file, or by name in the ledger's `layouter/`; a name that is neither is
    refused with the names that exist."""
    path = Path(given)
    if path.is_file():
        return path
    named = layout_folder(ledger) / f"{given}.toml"
    if named.is_file():
        return named
    names = layout_names(ledger)
    found = f"de som finns: {', '.join(names)}" if names else "där finns ingen layout (NAMN.toml)"
    if path.suffix == ".toml" or len(path.parts) > 1:  # given as a file
        raise LayoutError(str(given), 0, f"Layouten finns inte. Kontrollera sökvägen, eller ge ett namn ur "
                                         f"{layout_folder(ledger)}; {found}.")
    raise LayoutError(str(given), 0, f"Layouten finns varken som fil eller som {named.name} i {layout_folder(ledger)}; "
                                     f"{found}. Se `namndbok layout lista`.")


TABLES = "{key} skrivs som tabeller, var och en under en rad [[{key}]] (två hakparenteser)."
TOP = {
    "namn": Key(is_text, 'namn ska vara layoutens namn som text, t.ex. namn = "Driftredovisning".'),
    "rubrik": Key(is_text, 'rubrik ska vara en text, t.ex. rubrik = "Mnkr".'),
    "enhet": Key(one_of(*UNITS), 'enhet = {value} finns inte; välj "kr", "tkr" eller "mnkr".'),
    "decimaler": Key(one_of(0, 1, 2, 3), "decimaler ska vara ett heltal 0–3."),
    "typ": Key(anything, ""),
    "tom": Key(one_of(*EMPTY), 'tom = {value} finns inte; välj "0" (en tom cell visas 0) eller "blank".'),
    "slag": Key(one_of(*KINDS), 'slag = {value} finns inte; välj "tabell" (rader enligt [[rader]]) eller "prognossakerhet" (en rad per uppföljning av ett stängt år).'),
    "kolumner": Key(is_tables, TABLES),
    "rader": Key(is_tables, TABLES),
}
LAYOUT_KEYS = frozenset(TOP)  # the layout's own keys; every key here, in COLUMN_KEYS and ROW_KEYS is in docs/layouter.md


def parse_layout(text: str, path: str = "<layout>", plan: Kontoplan | None = None) -> Layout:
    toml = Settings(text, path, LayoutError, "Layouten")
    data = toml.data
    toml.check((), data, TOP, "Okänd inställning '{key}'; tillåtna är {allowed}.")
    enhet = data.get("enhet", "mnkr")
    decimaler = data.get("decimaler", 1)
    default_typ = _kinds(data.get("typ", ["intäkt", "kostnad"]), toml, ("typ",))
    slag = data.get("slag", "tabell")

    columns = []
    for index, item in enumerate(data.get("kolumner", [])):
        where = ("kolumner", index)
        _only(item, COLUMN_KEYS, "kolumnen", toml, where)
        matt = item.get("matt")
        if matt not in MEASURES:
            raise toml.fail(where, f"Kolumnen har matt = \"{matt}\", som inte finns; välj bland {', '.join(MEASURES)}.")
        per = item.get("per")
        if per is not None and not re.fullmatch(r"(\d{4}-)?\d{2}", str(per)):
            raise toml.fail(where, f"per = \"{per}\" ska vara \"MM\" (i rapportens år) eller \"ÅÅÅÅ-MM\".")
        kinds = _kinds(item["typ"], toml, where) if "typ" in item else None
        rubrik = str(item.get("rubrik", matt))
        _check_placeholders(rubrik, toml, (*where, "rubrik"))
        places = item.get("decimaler")
        if places is not None and (isinstance(places, bool) or places not in (0, 1, 2, 3)):
            raise toml.fail(where, "decimaler ska vara ett heltal 0–3.")
        if slag == "prognossakerhet":
            if matt not in PROGNOSSAKERHET_MEASURES:
                raise toml.fail(where, f"Kolumnen har matt = \"{matt}\", som en prognossäkerhetslayout inte visar; "
                                       f"välj bland {', '.join(PROGNOSSAKERHET_MEASURES)}.")
            if per is not None or kinds is not None:
                raise toml.fail(where, "En prognossäkerhetslayouts kolumner har varken per eller typ: raderna är "
                                       "uppföljningarna och beloppen gäller årets resultat.")
        columns.append(Column(rubrik, matt, per, kinds, places))
    if not columns:
        raise LayoutError(path, 0, "Layouten har inga [[kolumner]].")
    _check_placeholders(data.get("rubrik", ""), toml, ("rubrik",))

    if slag == "prognossakerhet":
        if "rader" in data:
            raise toml.fail(("rader", 0), 'En layout med slag = "prognossakerhet" har en rad per uppföljning; ta bort [[rader]].')
        return Layout(path, data.get("namn", Path(path).stem), data.get("rubrik", "Uppföljning"), enhet, decimaler,
                      tuple(columns), (), slag)
    rows = []
    names = set()
    for index, item in enumerate(data.get("rader", [])):
        where = ("rader", index)
        _only(item, ROW_KEYS, "raden", toml, where)
        row = _row(item, default_typ, data.get("tom"), plan, toml, where)
        if isinstance(row.summa, tuple):
            missing = [n for n in row.summa if n not in names]
            if missing:
                raise toml.fail(where, f"Summaraden '{row.namn}' räknar med {', '.join(missing)}, som inte finns ovanför.")
        if row.namn:
            names.add(row.namn)
        rows.append(row)
    if not rows:
        raise LayoutError(path, 0, "Layouten har inga [[rader]].")
    return Layout(path, data.get("namn", Path(path).stem), data.get("rubrik", enhet.capitalize()),
                  enhet, decimaler, tuple(columns), tuple(rows))


def _check_placeholders(text: str, toml: Settings, where: tuple) -> None:
    """Every {name} in a header is one the report fills in."""
    for name in _PLACEHOLDER.findall(text):
        if name not in PLACEHOLDERS:
            raise toml.fail(where, f"Rubriken \"{text}\" har {{{name}}}, som inte finns; "
                                   f"välj bland {', '.join('{' + p + '}' for p in PLACEHOLDERS)}.")


def _only(item: dict, allowed: set[str], what: str, toml: Settings, where: tuple) -> None:
    """A table's unknown key, refused at the table's [[…]] line."""
    for key in item:
        if key not in allowed:
            raise toml.fail(where, f"Okänd nyckel '{key}' i {what}; tillåtna är {', '.join(sorted(allowed))}.")


def _kinds(value, toml: Settings, where: tuple) -> tuple[str, ...]:
    kinds = tuple(value) if isinstance(value, list) else (value,)
    for kind in kinds:
        if not isinstance(kind, str) or kind not in LAYOUT_KINDS:
            raise toml.fail(where, f"typ {shown_value(kind)} finns inte; välj bland {', '.join(LAYOUT_KINDS)}.")
    return kinds


def _row(item: dict, default_typ, default_tom: str | None, plan: Kontoplan | None, toml: Settings, where: tuple) -> RowSpec:
    typ = _kinds(item["typ"], toml, where) if "typ" in item else default_typ
    filters = []
    for dimension in DIMENSIONS:
        if dimension in item:
            values = tuple(str(v) for v in (item[dimension] if isinstance(item[dimension], list) else [item[dimension]]))
            _check_codes(dimension, values, plan, toml, where)
            filters.append((dimension, values))
    if item.get("ofordelat"):  # what is budgeted or booked on the nämnd, not on a verksamhet
        if any(d == "verksamhet" for d, _ in filters):
            raise toml.fail(where, "ofordelat = true och verksamhet = [...] utesluter varandra.")
        filters.append(("verksamhet", (None,)))
    utom = item.get("utom_verksamhet", [])
    utom = tuple(str(v) for v in (utom if isinstance(utom, list) else [utom]))
    _check_codes("verksamhet", utom, plan, toml, where)
    utom_konto = item.get("utom_konto", [])
    utom_konto = tuple(str(v) for v in (utom_konto if isinstance(utom_konto, list) else [utom_konto]))
    _check_codes("konto", utom_konto, plan, toml, (*where, "utom_konto"))
    summa = item.get("summa")
    if summa is not None and summa != "alla" and not (isinstance(summa, list) and all(isinstance(s, str) for s in summa)):
        raise toml.fail(where, 'summa ska vara "alla" eller en lista av radnamn.')
    per = item.get("en_rad_per")
    if per is not None and per not in DIMENSIONS:
        raise toml.fail(where, f"en_rad_per = \"{per}\" finns inte; välj bland {', '.join(DIMENSIONS)}.")
    namn = item.get("namn")
    if namn is not None and not isinstance(namn, str):  # a list was an unhashable TypeError (found by atheris)
        raise toml.fail(where, f'namn = {shown_value(namn)}: radens namn ska vara en text, t.ex. namn = "Summa kostnader".')
    if namn is None and per is None:
        raise toml.fail(where, "Raden behöver namn = \"…\" (eller en_rad_per för en rad per grupp).")
    eget_kapital = item.get("eget_kapital", False)
    if not isinstance(eget_kapital, bool):
        raise toml.fail(where, "eget_kapital ska vara true eller false.")
    tom = item.get("tom", default_tom or ("blank" if per else "0"))
    if tom not in EMPTY:
        raise toml.fail((*where, "tom"), f'tom = {shown_value(tom)} finns inte; välj "0" (en tom cell visas 0) eller "blank".')
    return RowSpec(namn, typ, tuple(filters), utom, tuple(summa) if isinstance(summa, list) else summa, per,
                   bool(item.get("fet", summa is not None or eget_kapital)), eget_kapital, bool(item.get("vand_tecken", False)), utom_konto, tom)


def _check_codes(dimension: str, values, plan: Kontoplan | None, toml: Settings, where: tuple) -> None:
    if plan is None:
        return
    known = {
        "radgrupp": plan.radgrupper,
        "verksamhet": plan.verksamheter,
        "ansvar": plan.ansvar,
        "konto": plan.konton,
    }[dimension]
    for value in values:
        if value not in known:
            raise toml.fail(where, f"{dimension.capitalize()} '{value}' finns inte i kontoplanen {plan.path}. Rätta layouten eller kontoplanen.")
