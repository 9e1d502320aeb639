"""A kommun's repository: one folder per nämnd, each a full Nämndbok ledger.

    kommun/                       KATALOG (`namndbok kommun KATALOG`)
      kommun.toml                 optional: namn = "Exempelkommun"
      socialnamnden/              a nämnd: its folder with one main ledger
        socialnamnden.beancount
      barn-och-utbildning/
        barn-och-utbildning.beancount
      finansforvaltning/          optional: skatteintäkter, generella statsbidrag, finansnetto

A main ledger is a `*.beancount` file with `option "title"` or one of our plugin lines
(`is_main_ledger`, also how a command finds the working folder's ledger). Each nämnd
folder must have exactly one; a folder without any `*.beancount` is not a nämnd
(documents, reports). The folders are read in name order; the finansförvaltning is the
folder named `FINANS` and is not a nämnd.

Pure but for reading the folder; KommunError (Swedish, naming the folder) for a
folder that is not a kommun.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from namndbok.fileio import absolute, shown

MAIN_LINE = re.compile(r'^[ \t]*(option[ \t]+"title"|plugin[ \t]+"(namndbok\.)?plugins\.)', re.MULTILINE)
SETTINGS = "kommun.toml"
FINANS = "finansforvaltning"


class KommunError(Exception):
    """A folder that cannot be read as a kommun (the message says which and what to do)."""


class NamndLedger(NamedTuple):
    folder: Path  # absolute
    ledger: Path  # its main ledger, absolute


class KommunFolder(NamedTuple):
    folder: Path  # absolute
    namn: str  # kommun.toml's namn, else the folder's name
    namnder: tuple[NamndLedger, ...]  # in folder-name order
    finans: NamndLedger | None  # the finansförvaltning's ledger, when there is one


def is_main_ledger(path: Path) -> bool:
    """Whether `path` reads as a main file: its options or our plugins (an unreadable file is a candidate:
    reading it later says why it cannot be read)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return True
    return MAIN_LINE.search(text) is not None


def main_ledgers(folder: Path) -> list[Path]:
    """The main files among the `*.beancount` files in `folder` (not below it), sorted."""
    return [p for p in sorted(folder.glob("*.beancount")) if p.is_file() and is_main_ledger(p)]


def read_kommun_folder(folder: str | Path) -> KommunFolder:
    """The kommun in `folder`: its name and one main ledger per nämnd folder."""
    from namndbok.settings import SettingsError, read_settings

    root = absolute(folder)
    if not root.is_dir():
        raise KommunError(f"{shown(root)} är ingen mapp. Ange kommunens mapp, med en undermapp per nämnd.")
    name = root.name
    settings = root / SETTINGS
    if settings.is_file():
        try:
            toml = read_settings(settings)
        except SettingsError as err:
            raise KommunError(str(err)) from None
        value = toml.data.get("namn")
        if not isinstance(value, str) or not value.strip():
            raise KommunError(f"{shown(settings)}:{toml.line('namn')}: ange kommunens namn, t.ex. namn = \"Exempelkommun\".")
        name = value.strip()
    namnder, finans = [], None
    for sub in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if not any(sub.glob("*.beancount")):
            continue
        found = main_ledgers(sub)
        if len(found) != 1:
            what = "ingen huvudliggare" if not found else f"{len(found)} huvudliggare ({', '.join(p.name for p in found)})"
            raise KommunError(f"{shown(sub)} har {what}; en nämnds mapp ska ha exakt en (en .beancount-fil med "
                              "option \"title\"). Flytta bort de andra, eller lägg mappen utanför kommunens mapp.")
        ledger = NamndLedger(sub, found[0])
        if sub.name == FINANS:
            finans = ledger
        else:
            namnder.append(ledger)
    if not namnder:
        raise KommunError(f"{shown(root)} har ingen nämnd: ingen undermapp med en huvudliggare. Lägg en mapp per "
                          "nämnd (t.ex. socialnamnden/socialnamnden.beancount) i kommunens mapp.")
    return KommunFolder(root, name, tuple(namnder), finans)
