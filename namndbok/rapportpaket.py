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
from namndbok.settings import Key, SettingsError, is_bool, is_table, is_texts, one_of, read_settings

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
    toml = read_settings(path, ReportSetError, "Rapportpaketet")
    toml.check((), toml.data, TOP, "Okänd nyckel {key}; tillåtna är {allowed}.")
    chosen = toml.data.get("layouter", names)
    listed = f"de som finns i {folder}: {', '.join(names)}" if names else f"det finns ingen layout i {folder}"
    for name in chosen:
        if name not in names:
            raise toml.fail("layouter", f"Layouten {name!r} finns inte; {listed}.")
        if chosen.count(name) > 1:
            raise toml.fail("layouter", f"Layouten {name!r} står två gånger; ta bort den ena.")
    style = toml.data.get("avvikelser", {})
    toml.check(("avvikelser",), style, DEVIATIONS, "Okänd nyckel {key} i [avvikelser]; tillåtna är {allowed}.")
    values = {key: value for key, value in style.items()}
    if "troskel" in values:
        values["troskel"] = Decimal(str(values["troskel"])) * 1_000_000
    return ReportSet([folder / f"{name}.toml" for name in chosen], DeviationStyle(**values))
