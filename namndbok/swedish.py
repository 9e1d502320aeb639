"""Swedish words and number formats the user sees."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal, getcontext
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from namndbok.engine import Measures

MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)
MONTHS_SHORT = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def month_name(month: int) -> str:
    """'januari' for 1 … 'december' for 12."""
    return MONTHS[month - 1]


# ---------------------------------------------------------------------------
# Numbers. Amounts are exact Decimals until here; this is the only place that
# rounds, and only for printing (half away from zero, as Excel does).

UNITS = {"kr": Decimal(1), "tkr": Decimal(1000), "mnkr": Decimal(1_000_000)}
MINUS = "-"


# Digits, spaces between groups of three (1 000), a decimal comma or point; no exponent, no nan or inf.
NUMBER = re.compile(r"-?\d{1,3}(?:[ \u00a0]\d{3})+(?:[,.]\d+)?|-?\d+(?:[,.]\d+)?")


def parse_number(text: str) -> Decimal | None:
    """A number typed the Swedish way or with a point: '0,5' or '0.5' → Decimal('0.5'),
    '1 000' → Decimal('1000'); None when it is no number."""
    text = text.strip()
    if not NUMBER.fullmatch(text):
        return None
    return Decimal(re.sub(r"[ \u00a0]", "", text).replace(",", "."))


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    # With as many digits as the rounded number has: a number longer than the context's 28 digits
    # (a mistyped amount in the ledger) prints instead of raising decimal.InvalidOperation.
    digits = max(value.adjusted() + 1, 0) + decimals + 1
    context = getcontext() if digits <= getcontext().prec else Context(prec=digits)
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=context)


def _decimal(value: Decimal | float | int) -> Decimal:
    """A float as it prints (1.45 → Decimal('1.45'), not its binary 1.4499…), so that it rounds as it reads."""
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


def format_number(value: Decimal | float | None, decimals: int = 1, sep: str = " ") -> str:
    """Swedish format: -1209.66 → '-1 209,7' (a float as it prints: 1.45 → '1,5'). None → ''.
    A rounded zero has no sign."""
    if value is None:
        return ""
    rounded = round_half_up(_decimal(value), decimals)
    if rounded == 0:
        rounded = rounded.copy_abs()
    sign = MINUS if rounded < 0 else ""
    whole, _, frac = f"{rounded.copy_abs():.{decimals}f}".partition(".")  # copy_abs: no rounding to the context
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = sep.join(groups)
    return f"{sign}{text},{frac}" if decimals > 0 else f"{sign}{text}"


def format_amount(value: Decimal | None, unit: str = "mnkr", decimals: int = 1) -> str:
    """An amount in kronor printed in `unit` (kr, tkr, mnkr): 18_460_000 → '18,5'."""
    if value is None:
        return ""
    number = _decimal(value)
    digits = len(number.as_tuple().digits) + 7  # a division by 10**6 in as many digits loses nothing
    context = getcontext() if digits <= getcontext().prec else Context(prec=digits)
    return format_number(context.divide(number, UNITS[unit]), decimals)


def format_percent(ratio: Decimal | None, decimals: int = 0) -> str:
    """A ratio as Swedish percent: Decimal('-0.0219') → '-2 %'. None → ''."""
    if ratio is None:
        return ""
    return f"{format_number(_decimal(ratio) * 100, decimals)} %"


# ---------------------------------------------------------------------------
# One measure of the engine as a cell: shared by the CLI, the Fava pages and the exports.

PCT_BASE = {"avvikelse_helar_pct": "budget_helar"}


def format_measure(measures: Measures, measure: str, unit: str = "mnkr", decimals: int = 1,
                   percent_decimals: int = 0) -> str:
    """The printed cell. A percentage is left empty where its budget prints as zero:
    the reader sees a zero budget, and a zero budget has no percentage."""
    value = getattr(measures, measure)
    if measure in PCT_BASE:
        base = getattr(measures, PCT_BASE[measure])
        if base is None or round_half_up(base / UNITS[unit], decimals) == 0:
            return ""
        return format_percent(value, percent_decimals)
    return format_amount(value, unit, decimals)
