"""`namndbok budgetbeslut`: the year's budget decisions (namndbok.budget_decisions) as a table."""

from __future__ import annotations

from decimal import Decimal

from namndbok.budget_decisions import DecisionRow
from namndbok.scripts.tables import TextTable
from namndbok.swedish import format_amount

HEADERS = ("Datum", "Beslut", "Typ", "Referens", "Kommunbidrag")
TOTAL = "Kommunbidrag efter besluten"


def text_table(rows: list[DecisionRow], title: str, unit: str = "mnkr", decimals: int = 1) -> TextTable:
    """A row per decision, a 'varav' row per part under it, and the sum of the changes (bold)."""
    cells: list[list[str]] = []
    for row in rows:
        cells.append([row.date.isoformat(), row.name, row.typ, row.beslut, format_amount(row.kommunbidrag, unit, decimals)])
        cells.extend(["", f"  varav {part}", "", "", format_amount(amount, unit, decimals)] for part, amount in row.parts)
    total = sum((row.kommunbidrag for row in rows), Decimal(0))
    cells.append(["", TOTAL, "", "", format_amount(total, unit, decimals)])
    return TextTable(title, HEADERS, cells, right=(False, False, False, False, True), bold=frozenset({len(cells) - 1}))
