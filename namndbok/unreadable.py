"""A ledger that Beancount cannot load: a file it cannot open (an `include` that names a
folder, a file without read permission), or a number too long for its booking. One
Swedish error at the line that causes it, not a traceback."""

from __future__ import annotations

import glob
import os
import re
from pathlib import Path

from beancount import loader
from beancount.core import data
from beancount.parser import options as bc_options

from namndbok.fileio import os_reason


_INCLUDE = re.compile(r'^include\s+"([^"]*)"', re.MULTILINE)


def _includes(ledger: Path):
    """(file, line, the paths it matches) of every `include`, followed from `ledger` as Beancount does."""
    queue, seen = [os.path.normpath(ledger)], set()
    while queue:
        name = queue.pop(0)
        if name in seen:
            continue
        seen.add(name)
        try:
            text = Path(name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for match in _INCLUDE.finditer(text):
            pattern = os.path.join(os.path.dirname(name), match.group(1))
            found = [os.path.normpath(f) for f in glob.glob(pattern, recursive=True)]
            yield name, text.count("\n", 0, match.start()) + 1, found
            queue += [f for f in found if os.path.isfile(f)]


def include_line(ledger: Path, target: str) -> tuple[str, int] | None:
    """(file, line) of the `include` that names `target` (a file or folder a glob matches),
    following the includes from `ledger` as Beancount does; None when none does."""
    target = os.path.normpath(target)
    return next(((name, line) for name, line, found in _includes(ledger) if target in found), None)


def ledger_files(ledger: Path) -> list[str]:
    """The main file and every file its includes reach."""
    return [os.path.normpath(ledger), *(f for _, _, found in _includes(ledger) for f in found if os.path.isfile(f))]


def unreadable_load(ledger: Path, err: OSError):
    """The load of a ledger with a file Beancount could not open (`err`): no entries, one
    error at the `include` line that names the file (or at the file itself), in Swedish."""
    name = err.filename or str(ledger)
    place = include_line(ledger, name) if os.path.normpath(name) != os.path.normpath(ledger) else None
    if os.path.isdir(name):
        advice = ("Ett include ska peka på filer, inte på en mapp: skriv t.ex. "
                  f"\"{os.path.basename(name)}/*.beancount\", eller byt namn på mappen.")
    else:
        advice = "Ge den användare som kör Nämndbok läsrätt till filen (t.ex. chmod a+r), eller flytta den."
    return failed_load(ledger, place or (name, 0), f"{name} kan inte läsas ({os_reason(err)}). {advice}")


def uncomputable_load(ledger: Path):
    """The load of a ledger whose booking Beancount could not compute (decimal.InvalidOperation:
    a number of more than 28 digits beside a posting whose amount it fills in)."""
    from namndbok.parser_guard import MAX_DIGITS, too_long_number

    place = too_long_number(ledger_files(ledger))
    return failed_load(ledger, place or (str(ledger), 0), (
        f"Beancount kan inte räkna med ett belopp på {MAX_DIGITS} siffror eller fler. Rätta beloppet "
        "(ett belopp i kronor har sällan mer än tolv siffror före decimaltecknet)."))


def failed_load(ledger: Path, place: tuple[str, int], message: str):
    """A load that failed: no entries, one error at `place` (file, line)."""
    options = dict(bc_options.OPTIONS_DEFAULTS, filename=str(ledger))
    return [], [loader.LoadError(data.new_metadata(*place), message, None)], options
