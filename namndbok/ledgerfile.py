"""The shape every ledger file our tools write shares.

Beancount reads the root-name options (`name_income` …) per file: an included
file that lacks them rejects `Kostnader:…` as an invalid account name. So every
file starts with the same five option lines (`root_option_lines`), and
`explain_error` turns Beancount's terse message into what to do.
"""

from __future__ import annotations

import re

from beancount.scripts.format import align_beancount

from namndbok.accounts import Roots

ROOT_OPTIONS = ("name_assets", "name_liabilities", "name_equity", "name_income", "name_expenses")


def canonical(text: str) -> str:
    """`text` as bean-format would write it (numbers aligned in one column per file).

    Every ledger file our commands write goes through here, so that running
    bean-format on it changes nothing and a diff shows only what changed."""
    return align_beancount(text)


def root_option_lines(roots: Roots = Roots()) -> list[str]:
    """The option lines that make a file read our Swedish root names."""
    return [
        "; Rotnamnen läses per fil av Beancount och måste därför stå i varje fil.",
        *(f'option "{name}" "{root}"' for name, root in zip(ROOT_OPTIONS, roots)),
    ]


_INVALID = re.compile(r"^Invalid account name: (\S+)")


def explain_error(message: str, roots: Roots) -> str:
    """A Swedish explanation for Beancount errors our ledger model causes."""
    match = _INVALID.match(message)
    if match and match.group(1).split(":")[0] in roots:
        return (
            f"Kontot {match.group(1)} godtas inte i den här filen: filen saknar raderna "
            f'option "name_…" med rotnamnen ({", ".join(roots)}). Kopiera de fem '
            "option-raderna från huvudfilen till filens början."
        )
    return message
