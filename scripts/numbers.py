"""Numbers on the command line, typed the Swedish way (`--troskel 0,5`) or with a point (0.5)."""

from __future__ import annotations

from decimal import Decimal

import click

from namndbok.swedish import format_number, parse_number

__all__ = ["parse_number", "shown_number", "SwedishNumberType", "MNKR"]


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
