"""`namndbok prognos forslag`: the förslag (namndbok.prognos_forslag) as printed cells.

Amounts in the committee's sign, as `namndbok uppfoljning` prints them (intäkter
positive, kostnader negative; förslag − budget positive is better than budget).
An ansvar row that only repeats its verksamhet (all of it booked on that one
ansvar) is left out.
"""

from __future__ import annotations

from decimal import Decimal

from namndbok.engine import KIND_LABELS, UNALLOCATED, label
from namndbok.prognos_forslag import ForslagTable, Suggestion
from namndbok.scripts.tables import TextTable
from namndbok.swedish import MONTHS_SHORT, format_amount, format_percent


def headers(table: ForslagTable, unit: str) -> list[str]:
    months = "jan" if table.date.month == 1 else f"jan–{MONTHS_SHORT[table.date.month - 1]}"
    return [unit.capitalize() if unit != "kr" else "Kronor", f"Utfall {months} {table.date.year}", "Budget helår", "Senaste prognos",
            "Förslag helår", "Förslag − budget", "Utfall mot i fjol", "Volym mot i fjol", "Metod"]


def _committee(value: Decimal | None) -> Decimal | None:
    """Beancount's sign → the committee's (intäkter positive, kostnader negative)."""
    return None if value is None else -value


def _row_label(data, row: Suggestion) -> str:
    if row.ansvar is not None:
        return f"  varav {label(data, 'ansvar', row.ansvar)}"
    name = UNALLOCATED if row.verksamhet is None else label(data, "verksamhet", row.verksamhet)
    if len(data.kontoplaner) > 1:
        name = f"{label(data, 'nämnd', row.namnd)} / {name}"
    return name


def _repeats(row: Suggestion, unit_row: Suggestion | None, siblings: int) -> bool:
    return (row.ansvar is not None and unit_row is not None and siblings == 1
            and (row.utfall, row.forslag) == (unit_row.utfall, unit_row.forslag))


def cells(data, table: ForslagTable, unit: str, decimals: int) -> tuple[list[list[str]], frozenset[int]]:
    """The printed rows (a heading per kind, the totals last) and which are bold."""
    siblings: dict[tuple, int] = {}
    units: dict[tuple, Suggestion] = {}
    for row in table.rows:
        key = (row.namnd, row.verksamhet, row.kind)
        if row.ansvar is None:
            units[key] = row
        else:
            siblings[key] = siblings.get(key, 0) + 1
    out: list[list[str]] = []
    bold = set()
    kind = None
    for row in table.rows:
        key = (row.namnd, row.verksamhet, row.kind)
        if _repeats(row, units.get(key), siblings.get(key, 0)):
            continue
        if row.kind != kind:
            kind = row.kind
            bold.add(len(out))
            out.append([KIND_LABELS[kind]] + [""] * 8)
        out.append(_cells(_row_label(data, row), row, unit, decimals, row.kvot, _volumes(row), row.method))
    for total in table.totals:
        bold.add(len(out))
        out.append(_cells(total.label, total, unit, decimals, None, "", ""))
    return out, frozenset(bold)


def _cells(name: str, row, unit: str, decimals: int, kvot, volumes: str, method: str) -> list[str]:
    return [name, *(format_amount(_committee(value), unit, decimals)
                     for value in (row.utfall, row.budget_helar, row.prognos, row.forslag, row.avvikelse)),
            format_percent(kvot - 1, 1) if kvot is not None else "", volumes, method]


def _volumes(row: Suggestion) -> str:
    return "; ".join(f"{trend.enhet} {format_percent(trend.andring, 1)}" for trend in row.volymer if trend.andring is not None)


def text_table(data, table: ForslagTable, unit: str, decimals: int, title: str) -> TextTable:
    rows, bold = cells(data, table, unit, decimals)
    right = [False, True, True, True, True, True, True, False, False]
    return TextTable(title, headers(table, unit), rows, right=right, bold=bold)

