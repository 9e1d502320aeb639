"""Which ledger a command works on, as hledger finds its journal.

In order: the ledger given on the command line (LIGGARE or -f/--liggare), the
one NAMNDBOK_LIGGARE names, the main ledger of the working folder (the only
`*.beancount` there with `option "title"` or one of our `plugin "namndbok.plugins.…"` (or the old `plugins.…`)
lines), and, for a command that only reads, the example committee. A writing
command never falls back to the example: it refuses instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from namndbok.fileio import absolute, shown
from namndbok.kommun_folder import MAIN_LINE, is_main_ledger, main_ledgers  # noqa: F401 (re-exported)

ENVIRONMENT = "NAMNDBOK_LIGGARE"
HOW = "Ange liggaren med -f FIL (eller som LIGGARE), eller sätt NAMNDBOK_LIGGARE."


class ChoiceError(Exception):
    """No ledger, or no one ledger, to work on (the message is Swedish and says what to do)."""


@dataclass(frozen=True)
class Chosen:
    path: Path  # absolute
    found: str | None  # how it was found, said to the user (Swedish); None: given on the command line

    def note(self) -> str | None:
        return None if self.found is None else f"Liggare: {shown(self.path)} ({self.found})"


def _existing(path: Path, said: str) -> Path:
    if not path.is_file():
        raise ChoiceError(f"Hittar inte liggaren {path}{said}. Ange huvudfilen, t.ex. "
                          "ledgers/exempel/socialnamnden.beancount.")
    return absolute(path)


def choose(argument: Path | None, option: Path | None, folder: Path, example: Path | None,
           environment: dict | None = None) -> Chosen:
    """The ledger to work on. `argument`/`option`: the positional LIGGARE and -f/--liggare;
    `folder`: the working folder; `example`: the example's main file, or None for a command
    that writes (it never falls back to the example)."""
    environment = os.environ if environment is None else environment
    if argument is not None and option is not None and absolute(argument) != absolute(option):
        raise ChoiceError(f"Liggaren anges två gånger, som {argument} och med -f {option}; ange den en gång.")
    given = argument if argument is not None else option
    if given is not None:
        return Chosen(_existing(given, ""), None)
    named = environment.get(ENVIRONMENT, "")
    if named:
        return Chosen(_existing(Path(named), f" som {ENVIRONMENT} anger"), f"från {ENVIRONMENT}")
    found = main_ledgers(folder)
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise ChoiceError(f"Mappen {folder} har flera huvudliggare: {names}. {HOW}")
    if found:
        return Chosen(absolute(found[0]), "huvudliggaren i den här mappen")
    if example is None:
        raise ChoiceError(f"Ingen liggare angiven, och ingen huvudliggare (en .beancount-fil med option \"title\" "
                          f"eller plugin \"namndbok.plugins.…\") i {folder}. {HOW} Kommandot skriver i liggaren, så det "
                          "använder aldrig exempelnämnden utan att den anges.")
    return Chosen(absolute(example), "exempelnämnden: ingen liggare angiven och ingen i den här mappen")
