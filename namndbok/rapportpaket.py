"""The report set as data: `rapportpaket.toml` beside the main file, read by `namndbok period-close`.

    layouter = ["driftredovisning", "resultatrakning"]  # which layouts, in this order

    [avvikelser]
    per = "ansvar"         # or "verksamhet" (default), "radgrupp"; comments of the same dimension
    troskel = 1.0          # mnkr, default 0.5
    tecken = "+"           # "+": +12,3; "-" (default): only the minus is written
    koder = false          # the code before the name; default true
    ordning = "kontoplan"  # or "storlek" (default): largest first
    foregaende = false     # the previous follow-up's figure in brackets; default true

Without the file, or a key, the set is as it always was: every layout in `layouter/`
alphabetically by file name, the list per verksamhet from 0,5 mnkr, largest first.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from namndbok.avvikelser import DeviationStyle
from namndbok.layout import layout_folder, layout_names
from namndbok.settings import Key, Settings, SettingsError, is_bool, is_table, is_texts, one_of, read_text

FILE = "rapportpaket.toml"


class ReportSetError(SettingsError):
    """A rapportpaket.toml that cannot be used; str() is `fil:rad: meddelande`."""


class ReportSet(NamedTuple):
    layouts: list[Path]  # in the set's order
    deviations: DeviationStyle


def _mnkr(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1e9


TOP = {
    "layouter": Key(is_texts, 'layouter ska vara en lista av layoutnamn i rapportpaketets ordning, t.ex. ["driftredovisning", "resultatrakning"].'),
    "avvikelser": Key(is_table, "avvikelser ska vara en tabell: [avvikelser]."),
}
DEVIATIONS = {
    "per": Key(one_of("verksamhet", "ansvar", "radgrupp"), 'per ska vara "verksamhet", "ansvar" eller "radgrupp", inte {value}.'),
    "troskel": Key(_mnkr, "troskel är i mnkr och ska vara ett tal, 0 eller större (t.ex. 0.5), inte {value}."),
    "tecken": Key(one_of("+", "-"), 'tecken ska vara "+" (skriv +12,3) eller "-" (bara minustecken), inte {value}.'),
    "koder": Key(is_bool, "koder ska vara true (koden före namnet) eller false, inte {value}."),
    "ordning": Key(one_of("kontoplan", "storlek"), 'ordning ska vara "kontoplan" eller "storlek" (störst först), inte {value}.'),
    "foregaende": Key(is_bool, "foregaende ska vara true (förra uppföljningens siffra inom parentes) eller false, inte {value}."),
}


def load_report_set(ledger: str | Path) -> ReportSet:
    """The set of the ledger beside `ledger`: its rapportpaket.toml, or the defaults without one."""
    folder = layout_folder(ledger)
    names = layout_names(ledger)
    path = Path(ledger).parent / FILE
    if not path.exists():
        return ReportSet([folder / f"{name}.toml" for name in names], DeviationStyle())
    text = read_text(path, ReportSetError, "Rapportpaketet")
    toml = Settings(text, str(path), ReportSetError, "Rapportpaketet")
    toml.check((), toml.data, TOP, "Okänd nyckel {key}; tillåtna är {allowed}.")
    chosen = toml.data.get("layouter", names)
    listed = f"de som finns i {folder}: {', '.join(names)}" if names else f"det finns ingen layout i {folder}"
    for index, name in enumerate(chosen):
        if name not in names:
            raise ReportSetError(str(path), _item_line(text, toml.line("layouter"), name),
                                 f"Layouten \"{name}\" finns inte; {listed}.")
        if name in chosen[:index]:
            raise ReportSetError(str(path), _item_line(text, toml.line("layouter"), name, 2),
                                 f"Layouten \"{name}\" står två gånger i layouter; ta bort den ena.")
    style = toml.data.get("avvikelser", {})
    toml.check(("avvikelser",), style, DEVIATIONS, "Okänd nyckel {key} i [avvikelser]; tillåtna är {allowed}.")
    values = {key: value for key, value in style.items()}
    if "troskel" in values:
        values["troskel"] = Decimal(str(values["troskel"])) * 1_000_000
    return ReportSet([folder / f"{name}.toml" for name in chosen], DeviationStyle(**values))


def _item_line(text: str, start: int, name: str, nth: int = 1) -> int:
    """The line of the `nth` "name" in the list that begins at line `start` (the list's line when not found)."""
    seen = 0
    for number, line in enumerate(text.splitlines()[start - 1:], start):
        seen += line.count(f'"{name}"') + line.count(f"'{name}'")
        if seen >= nth:
            return number
    return start


def default_text(names: list[str]) -> str:
    """The rapportpaket.toml `namndbok ny` writes: today's set written out, the layouts
    (`names`) as a commented list to copy, so that a layout added later is in the set too."""
    listed = ", ".join(f'"{name}"' for name in names)
    return f"""\
# Rapportpaketet som `namndbok period-close ÅÅÅÅ-MM` skriver till rapporter/ÅÅÅÅ-MM/.
# Utan layouter tas varje layout i layouter/ med, i bokstavsordning efter filnamn.
# Med layouter tas bara de uppräknade med, i den ordningen (namnen är filnamnen utan .toml):
# layouter = [{listed}]

[avvikelser]
per = "verksamhet"     # eller "ansvar" (enheterna; kommentarer ur [ansvar] i kommentarer/ÅÅÅÅ-MM.toml) eller "radgrupp"
troskel = 0.5          # mnkr: visa avvikelser på minst så mycket
tecken = "-"           # "+" skriver positiva avvikelser +12,3
koder = true           # koden före namnet (571 Missbrukarvård …)
ordning = "storlek"    # störst först, eller "kontoplan" (kontoplanens ordning)
foregaende = true      # förra uppföljningens avvikelse inom parentes
"""
