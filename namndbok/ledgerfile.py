"""The shape every ledger file our tools write shares.

Beancount reads the root-name options (`name_income` …) per file: an included
file that lacks them rejects `Kostnader:…` as an invalid account name. So every
file starts with the same five option lines (`root_option_lines`), and
`explain_error` turns Beancount's terse message into what to do.
"""

from __future__ import annotations

import io
import re

import regex
from beancount.core import account, amount
from beancount.scripts.format import NUMBER_RE, PARENTHESIZED_BINARY_OP_RE, compute_most_frequent

from namndbok.accounts import Roots

ROOT_OPTIONS = ("name_assets", "name_liabilities", "name_equity", "name_income", "name_expenses")


# bean-format's own pattern (beancount.scripts.format.align_beancount): a line with a number to align.
NUMBER_LINE = regex.compile(
    rf'(^\d[^";]*?|\s+{account.ACCOUNT_RE})\s+({PARENTHESIZED_BINARY_OP_RE}|{NUMBER_RE})\s+((?:{amount.CURRENCY_RE})\b.*)'
)


def canonical(text: str) -> str:
    """`text` as bean-format would write it (numbers aligned in one column per file).

    Every ledger file our commands write goes through here, so that running
    bean-format on it changes nothing and a diff shows only what changed. This
    is bean-format's `align_beancount` step for step (its pattern, its indent
    normalisation, its widths), with the pattern compiled once and lines that
    cannot match (those starting with an ASCII character that is neither a
    digit nor white space) not tried; like bean-format it refuses (AssertionError)
    to change anything but white space. `tests/test_ledger_format.py` holds it equal to
    `align_beancount` and to the real bean-format."""
    match_pairs = []
    match = NUMBER_LINE.match
    for line in text.splitlines():
        first = line[:1]
        found = None if not first or (first.isascii() and not first.isdigit() and not first.isspace()) else match(line)
        match_pairs.append(found.groups() if found else (line, None, None))
    norm_match_pairs = _normalized_indent(match_pairs)
    numbered = [(prefix, number) for prefix, number, _ in match_pairs if number is not None]
    prefix_width = max((len(prefix) for prefix, _ in numbered), default=0)
    number_width = max((len(number) for _, number in numbered), default=0)
    line_format = f"{{:<{prefix_width}}}  {{:>{number_width}}} {{}}"
    output = io.StringIO()
    for prefix, number, rest in norm_match_pairs:
        output.write(prefix if number is None else line_format.format(prefix.rstrip(), number, rest))
        output.write("\n")
    formatted = output.getvalue()
    # bean-format's own safety check: nothing but blanks, tabs and line breaks may have changed.
    if _BLANKS.sub(" ", text.rstrip()) != _BLANKS.sub(" ", formatted.rstrip()):
        raise AssertionError("canonical() would change more than white space")
    return formatted


_BLANKS = re.compile(r"[ \t\n]+")
_POSTING = regex.compile(rf"([ \t]+)({account.ACCOUNT_RE}.*)")  # bean-format's normalize_indent_whitespace


def _normalized_indent(match_pairs: list[tuple]) -> list[tuple]:
    """bean-format's `normalize_indent_whitespace`: every indented account line gets the most
    frequent indent; each line is matched once, and only if it starts with a blank or a tab."""
    found = [_POSTING.match(prefix) if prefix[:1] in (" ", "\t") else None for prefix, _, _ in match_pairs]
    indent = " " * (compute_most_frequent(len(match.group(1)) for match in found if match is not None) or 0)
    return [(indent + match.group(2), number, rest) if match is not None else (prefix, number, rest)
            for match, (prefix, number, rest) in zip(found, match_pairs)]


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
