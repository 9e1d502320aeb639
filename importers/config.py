"""How a committee's exports map onto its ledger: `import.toml` beside the main file.

    # Vilken dimension i exporten bär verksamhet, ansvar och projekt (SIE: dimensionsnummer;
    # huvudbok: dimensionsnamnen i mappningen).
    [sie]
    verksamhet = "1"
    ansvar = "20"
    projekt = "6"
    kommunbidrag = ["3911"]        # konton i exporten som är kommunbidrag
    verksamhet_saknas = "000"      # verksamhet för resultatrader utan verksamhet (valfritt)

    [huvudbok]
    mappning = "raindance"         # a shipped mapping (importers/huvudbok/mappningar/), or a file here
    kommunbidrag = ["3911"]

Nothing here is guessed at import time: a konto or object the kontoplan lacks
stops the import with a suggested kontoplan line.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from namndbok.importers.model import SourceError
from namndbok.fileio import os_reason
from namndbok.settings import Key, Settings, is_table, is_text, is_texts, read_settings

FILE = "import.toml"


class SourceConfig(NamedTuple):
    verksamhet: str | None = None  # the dimension holding verksamhet
    ansvar: str | None = None
    projekt: str | None = None
    kommunbidrag: frozenset[str] = frozenset()
    verksamhet_saknas: str | None = None
    mappning: str | None = None  # huvudbok: the column mapping file


class ImportConfig(NamedTuple):
    path: str | None
    namnd: str | None
    sie: SourceConfig
    huvudbok: SourceConfig


DEFAULT = ImportConfig(
    None,
    None,
    SourceConfig(verksamhet="20", ansvar="1", projekt="6"),
    SourceConfig(verksamhet="verksamhet", ansvar="ansvar", projekt="projekt"),
)


def load_import_config(ledger_dir: Path) -> ImportConfig:
    """The ledger's import.toml (or the defaults); a mapping path becomes absolute."""
    path = Path(ledger_dir) / FILE
    if not path.exists():
        return DEFAULT
    toml = read_settings(path, SourceError)
    config = _import_config(toml)
    if config.huvudbok.mappning:
        try:
            mapping = mapping_path(ledger_dir, config.huvudbok.mappning)
        except OSError as err:  # e.g. a name longer than the file system allows
            name, why = config.huvudbok.mappning, os_reason(err, "filsystemet godtar det inte")
            raise toml.fail(("huvudbok", "mappning"),
                            f"Mappningen \"{name}\" går inte att använda som filnamn ({why}); "
                            "skriv namnet på en mappning, t.ex. \"raindance\".") from None
        config = config._replace(huvudbok=config.huvudbok._replace(mappning=str(mapping)))
    return config


SHIPPED = Path(__file__).resolve().parent / "huvudbok" / "mappningar"


def mapping_path(ledger_dir: Path, name: str) -> Path:
    """A mapping file beside the ledger, or a shipped one named without path (e.g. "raindance")."""
    own = Path(ledger_dir) / name
    if own.exists() or "/" in name or name.endswith(".toml"):
        return own
    return SHIPPED / f"{name}.toml"


_SECTION = Key(is_table, "[{key}] ska vara en tabell: skriv raden [{key}] och inställningarna under den.")
TOP = {"namnd": Key(is_text, 'namnd ska vara nämndens namn i kontona, t.ex. namnd = "Socialnämnden".'), "sie": _SECTION, "huvudbok": _SECTION}
_DIMENSION = Key(lambda v: isinstance(v, (str, int)) and not isinstance(v, bool), '{key} ska vara en text, t.ex. {key} = "1".')
SECTION = {
    "verksamhet": _DIMENSION, "ansvar": _DIMENSION, "projekt": _DIMENSION,
    "kommunbidrag": Key(is_texts, 'kommunbidrag ska vara en lista av kontonummer, t.ex. ["3911"].'),
    "verksamhet_saknas": _DIMENSION, "mappning": _DIMENSION,
}


def parse_import_config(text: str, path: str = FILE) -> ImportConfig:
    return _import_config(Settings(text, path, SourceError))


def _import_config(toml: Settings) -> ImportConfig:
    data = toml.data
    toml.check((), data, TOP, "Okänd inställning '{key}'; tillåtna är namnd, [sie] och [huvudbok].")
    sections = {}
    for name in ("sie", "huvudbok"):
        section = data.get(name, {})
        toml.check((name,), section, SECTION, f"Okänd inställning '{{key}}' i [{name}]; tillåtna är {{allowed}}.")
        defaults = getattr(DEFAULT, name)._asdict()
        merged = {**defaults, **{k: (str(v) if not isinstance(v, list) else frozenset(v)) for k, v in section.items()}}
        sections[name] = SourceConfig(**merged)
    return ImportConfig(toml.path, data.get("namnd"), sections["sie"], sections["huvudbok"])
