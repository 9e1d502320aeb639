"""`--per` and the period argument: one reading of a date and one Swedish message for every command."""

from __future__ import annotations

import calendar
import datetime
import re

import click


def parse_period(text: str) -> datetime.date:
    """'2026-10' → 2026-10-31; '2026-10-15' → that day."""
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", text.strip())
    try:
        if not match:
            raise ValueError
        year, month = int(match.group(1)), int(match.group(2))
        day = int(match.group(3)) if match.group(3) else calendar.monthrange(year, month)[1]
        return datetime.date(year, month, day)
    except ValueError:
        raise click.BadParameter(f"'{text}' är ingen period: skriv ÅÅÅÅ-MM (t.ex. 2026-10) eller ÅÅÅÅ-MM-DD.") from None


class PeriodType(click.ParamType):
    """`--per` and the like: a date by `parse_period`, the one reading and the one message
    of every command (an empty value is refused, never taken as the default)."""

    name = "period"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime.date):
            return value
        try:
            return parse_period(value)
        except click.BadParameter as err:
            self.fail(err.message, param, ctx)


PERIOD = PeriodType()
