"""Amounts Beancount's parser cannot compute, said at their line instead of killing the process.

Beancount 3.2's C parser evaluates arithmetic in amounts (`10/4 SEK`) with Python's
decimal module and does not check the result: a division by zero (`1/0`, `0/0`,
`1/(2-2)`) raises inside the grammar and the process dies (SIGSEGV) — every
command, and Fava with all its users. `install()` wraps the parser's `parse_file`
and `parse_string` so that they compute in a decimal context that does not trap
(the division gives Infinity or NaN), and then turns every entry that holds such
a number into a parse error at its file and line:

    2026-01-01 custom "volymbudget" Kostnader:Socialnämnden:571 "vårddygn" 1/0
    → volymer.beancount:7: Beloppet går inte att räkna ut (en division med noll …)

Only the parser runs untrapped (plugins and booking keep Python's usual context,
where a bad number raises), and the entries are only looked at when the decimal
context's flags say that something was divided by zero or invalid. Our loads
(`namndbok.loading.load`) and Fava's loads of a ledger with our extension install
it; bean-check, which loads before any plugin of ours is imported, still dies on
such a file (Beancount's bug).

`too_long_number(files)` finds, for the error message, the first number of as many
digits as Beancount computes with (28): a sum beside it needs more, and Beancount's
booking then raises InvalidOperation out of the load.
"""

from __future__ import annotations

import decimal
import functools
import re
from pathlib import Path
from typing import NamedTuple

from beancount.core import data

UNTRAPPED = (decimal.DivisionByZero, decimal.InvalidOperation)
MESSAGE = ("Beloppet går inte att räkna ut (en division med noll eller ett tal utan värde, t.ex. 1/0). "
           "Skriv beloppet som ett tal.")


class UncomputableAmount(NamedTuple):
    source: dict
    message: str
    entry: object


def install() -> None:
    """Wrap Beancount's parse functions (once): a division by zero is a parse error, not a crash."""
    from beancount.parser import parser

    for name in ("parse_file", "parse_string"):
        function = getattr(parser, name)
        if not getattr(function, "namndbok_guarded", False):
            setattr(parser, name, _guarded(function))


def _guarded(parse):
    @functools.wraps(parse)
    def guarded(*args, **kwargs):
        with decimal.localcontext() as context:
            for signal in UNTRAPPED:
                context.traps[signal] = False
            entries, errors, options = parse(*args, **kwargs)
            flagged = any(context.flags[signal] for signal in UNTRAPPED)
        if flagged:
            bad = [entry for entry in entries if _uncomputable(entry)]
            if bad:
                gone = {id(entry) for entry in bad}
                entries = [entry for entry in entries if id(entry) not in gone]
                errors = [*errors, *(UncomputableAmount(entry.meta, MESSAGE, None) for entry in bad)]
        return entries, errors, options

    guarded.namndbok_guarded = True
    return guarded


def _uncomputable(entry) -> bool:
    """Whether the entry holds a number that is not finite (the parser's Infinity or NaN)."""
    numbers = []
    if isinstance(entry, data.Transaction):
        for posting in entry.postings:
            for part in (posting.units, posting.cost, posting.price):
                numbers += [getattr(part, "number", None), getattr(part, "number_per", None),
                            getattr(part, "number_total", None)]
    elif isinstance(entry, data.Custom):
        numbers += [value.value for value in entry.values or ()]
        numbers += [getattr(value.value, "number", None) for value in entry.values or ()]
    for name in ("amount", "tolerance", "diff_amount"):
        part = getattr(entry, name, None)
        numbers += [part, getattr(part, "number", None)]
    return any(isinstance(n, decimal.Decimal) and not n.is_finite() for n in numbers)


LONG_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
MAX_DIGITS = 28  # decimal's default precision, which Beancount's booking works in


def too_long_number(files) -> tuple[str, int] | None:
    """(file, line) of the first number of 28 digits or more in `files`; None when there is none."""
    for path in files:
        try:
            text = Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if any(sum(c.isdigit() for c in found) >= MAX_DIGITS for found in LONG_NUMBER.findall(line)):
                return str(path), number
    return None
