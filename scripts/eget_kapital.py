"""`namndbok eget-kapital --beslut`: the decisions on eget kapital (namndbok.eget_kapital.decision_listing) as a table."""

from __future__ import annotations

from namndbok.eget_kapital import ListedDecision
from namndbok.scripts.tables import TextTable
from namndbok.swedish import format_amount


def decisions_table(decisions: list[ListedDecision], title: str, unit: str = "mnkr", decimals: int = 1) -> TextTable:
    """A row per decision; a repayment plan with a row per year under its decision."""
    rows = []
    for d in decisions:
        first, *rest = d.amounts
        rows.append([f"{d.date:%Y-%m-%d}", d.name, d.typ, d.beslut, str(first[0]) if first[0] else "",
                     format_amount(first[1], unit, decimals)])
        rows.extend(["", "", "", "", str(year), format_amount(amount, unit, decimals)] for year, amount in rest)
    return TextTable(title, ("Datum", "Beslut", "Typ", "Referens", "Avser år", f"Belopp ({unit})"), rows,
                     right=(False, False, False, False, True, True))
