"""`namndbok budgetbeslut`: the year's budget decisions (namndbok.budget_decisions) as a table."""

from __future__ import annotations

from namndbok.budget_decisions import HEADERS, DecisionRow, cells
from namndbok.scripts.tables import TextTable

def text_table(rows: list[DecisionRow], title: str, unit: str = "mnkr", decimals: int = 1) -> TextTable:
    """A row per decision, a 'varav' row per part under it, and the sum of the changes (bold)."""
    printed = cells(rows, unit, decimals)
    return TextTable(title, HEADERS, printed, right=(False, False, False, False, True), bold=frozenset({len(printed) - 1}))
