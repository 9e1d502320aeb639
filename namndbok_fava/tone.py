"""How the web shows an avvikelse: its sign and its colour, by the committee's sign convention.

Avvikelse = prognos (or utfall) − budget with kostnader negative, so a positive
avvikelse is always better than budget (docs/fava.md). On our pages an avvikelse
amount is written with its sign (+8,2, -4,8; 0,0 without) and coloured good
("bra", green) or bad ("dalig", red); its percentage keeps the budget's sign as the
committee's tables print it (a good avvikelse on a cost may read -4 %), so it is
coloured by its amount, never by its own sign. The CLI and the exports print as
before: this is the web's only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from namndbok.swedish import UNITS, round_half_up

GOOD, BAD = "bra", "dalig"

# The amounts where positive means better than budget (the engine's measures, and the
# nyckeltal's avvikelse and its volym- and priseffekt, which add up to it).
AVVIKELSER = frozenset({"avvikelse", "avvikelse_helar", "prognos_forandring", "volymeffekt", "priseffekt"})
# A percentage coloured by the amount it is the percentage of.
PERCENT_OF = {"avvikelse_helar_pct": "avvikelse_helar"}


def look(values: Any, measure: str, text: str, unit: str = "mnkr", decimals: int = 1,
         turned: bool = False) -> tuple[str, str | None]:
    """`text` (the printed `measure` of `values`, any object with the measures as attributes)
    as the web shows it, and its tone: "bra", "dalig" or None.

    An avvikelse amount gets "+" when positive; it and its percentage are toned by the
    amount as printed in `unit` with `decimals` (one printed 0,0 is neither good nor bad).
    `turned`: the row prints its measures with the other sign (a layout's `vand_tecken`),
    so a positive figure there is worse than budget. Other measures pass unchanged."""
    follows = PERCENT_OF.get(measure, measure)
    if follows not in AVVIKELSER or not text:
        return text, None
    value = getattr(values, follows, None)
    if value is None:
        return text, None
    shown = round_half_up(Decimal(value) / UNITS[unit], decimals)
    if shown == 0:
        return text, None
    if measure in AVVIKELSER and shown > 0:
        text = f"+{text}"
    return text, (GOOD if (shown > 0) != turned else BAD)
