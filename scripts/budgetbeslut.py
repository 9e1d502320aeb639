"""`namndbok budgetbeslut`: the year's budget decisions (namndbok.budget_decisions) as a table."""

from __future__ import annotations

from namndbok.budget_decisions import HEADERS, TOTAL, DecisionRow, cells
from namndbok.scripts.tables import TextTable


def text_table(rows: list[DecisionRow], title: str, unit: str = "mnkr", decimals: int = 1,
               proposals: list[DecisionRow] = ()) -> TextTable:
    """A row per decision, a 'varav' row per part under it, the sum of the changes (bold), then each
    proposal, marked as one and outside the sum."""
    printed = cells(rows, unit, decimals, proposals)
    total = next(i for i, row in enumerate(printed) if row[1] == TOTAL and not row[0])
    return TextTable(title, HEADERS, printed, right=(False, False, False, False, True), bold=frozenset({total}))
