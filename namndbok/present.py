"""How one measure of the engine prints: shared by the CLI, Fava pages and exports."""

from __future__ import annotations

from namndbok.engine import Measures
from namndbok.swedish import UNITS, format_amount, format_percent, round_half_up

PCT_BASE = {"avvikelse_helar_pct": "budget_helar"}


def format_measure(measures: Measures, measure: str, unit: str = "mnkr", decimals: int = 1) -> str:
    """The printed cell. A percentage is left empty where its budget prints as zero:
    the reader sees a zero budget, and a zero budget has no percentage."""
    value = getattr(measures, measure)
    if measure in PCT_BASE:
        base = getattr(measures, PCT_BASE[measure])
        if base is None or round_half_up(base / UNITS[unit], decimals) == 0:
            return ""
        return format_percent(value)
    return format_amount(value, unit, decimals)
