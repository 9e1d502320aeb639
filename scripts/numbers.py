"""Numbers on the command line, typed the Swedish way (`--troskel 0,5`) or with a point (0.5)."""

from __future__ import annotations

import re
from decimal import Decimal

import click

from namndbok.swedish import format_number

# Digits, spaces between groups of three (1 000), a decimal comma or point; no exponent, no nan or inf.
NUMBER = re.compile(r"-?\d{1,3}(?:[ \u00a0]\d{3})+(?:[,.]\d+)?|-?\d+(?:[,.]\d+)?")


def parse_number(text: str) -> Decimal | None:
    """'0,5' or '0.5' → Decimal('0.5'), '1 000' → Decimal('1000'); None when it is no number."""
    text = text.strip()
    if not NUMBER.fullmatch(text):
        return None
    return Decimal(re.sub(r"[ \u00a0]", "", text).replace(",", "."))


def shown_number(value: Decimal) -> str:
    """A typed number printed the Swedish way, with the decimals it was typed with: 0.5 → '0,5', 50 → '50'."""
    return format_number(value, max(0, -value.as_tuple().exponent))


class SwedishNumberType(click.ParamType):
    """A Decimal at least `minimum`, typed as `parse_number` reads it; the message names the unit."""

    name = "tal"

    def __init__(self, minimum: Decimal, unit: str, example: str) -> None:
        self.minimum, self.unit, self.example = minimum, unit, example

    def convert(self, value, param, ctx):
        if isinstance(value, Decimal):
            return value
        number = parse_number(str(value))
        if number is None or number < self.minimum:
            self.fail(f"{str(value).strip()} är inget antal {self.unit}; skriv {shown_number(self.minimum)} "
                      f"eller mer, till exempel {self.example}.", param, ctx)
        return number


MNKR = SwedishNumberType(Decimal(0), "mnkr", "0,5")
