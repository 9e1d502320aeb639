"""How the example's ledger files look: header, aligned postings, comments."""

from __future__ import annotations

import datetime

from namndbok.ledgerfile import root_option_lines
from namndbok.scripts.exempel.amounts import format_ore
from namndbok.scripts.exempel.spec import ROOTS


def file_header(title: str) -> list[str]:
    return [
        f"; {title}",
        "; Skapad av `namndbok exempel` (scripts/exempel/): ändra generatorn, inte filen.",
        *root_option_lines(ROOTS),
        "",
    ]


def aligned(rows: list[tuple[str, int, str]], indent: str = "  ") -> list[str]:
    """`account  amount SEK  ; comment` lines with the amounts right-aligned."""
    width = max(len(text) for text, _, _ in rows)
    numbers = [format_ore(ore) for _, ore, _ in rows]
    num_width = max(len(n) for n in numbers)
    out = []
    for (text, _, comment), number in zip(rows, numbers):
        line = f"{indent}{text.ljust(width)}  {number.rjust(num_width)} SEK"
        out.append(f"{line}  ; {comment}" if comment else line)
    return out


def transaction(date: datetime.date, narration: str, postings: list[tuple[str, int, str]]) -> list[str]:
    return [f'{date} * "{narration}"', *aligned(postings)]
