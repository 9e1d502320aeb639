"""A ledger with a file Beancount cannot open (an `include` that names a folder, a file
without read permission): one Swedish error at the include line, not a traceback."""

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


def include_line(ledger: Path, target: str) -> tuple[str, int] | None:
    """(file, line) of the `include` that names `target` (a file or folder a glob matches),
    following the includes from `ledger` as Beancount does; None when none does."""
    target = os.path.normpath(target)
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
            if target in found:
                return name, text.count("\n", 0, match.start()) + 1
            queue += [f for f in found if os.path.isfile(f)]
    return None


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
    message = f"{name} kan inte läsas ({os_reason(err)}). {advice}"
    meta = data.new_metadata(*(place or (name, 0)))
    options = dict(bc_options.OPTIONS_DEFAULTS, filename=str(ledger))
    return [], [loader.LoadError(meta, message, None)], options
