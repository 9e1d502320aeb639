"""`namndbok uppfoljning`: the engine's table as printed cells (a thin presenter; printed by namndbok.scripts.tables)."""

from __future__ import annotations

from namndbok.engine import GROUPINGS, SELECTION_TOTALS, SELECTIONS, Table
from namndbok.swedish import format_measure
from namndbok.swedish import MONTHS_SHORT
from namndbok.scripts.tables import TextTable

# (header, measure) in the committee's usual order.
COLUMNS = (
    ("Utfall {per}", "utfall"),
    ("Budget {per}", "budget"),
    ("Avvikelse {per}", "avvikelse"),
    ("Prognos helår", "prognos"),
    ("Budget helår", "budget_helar"),
    ("Avvikelse helår", "avvikelse_helar"),
    ("Avvikelse %", "avvikelse_helar_pct"),
    ("Förändring sedan {forra}", "prognos_forandring"),
    ("Utfall helår {fg}", "utfall_fg_helar"),
)


def headers(table: Table) -> list[str]:
    per = f"{MONTHS_SHORT[table.date.month - 1]} {table.date.year}"
    forra = (
        f"{MONTHS_SHORT[table.foregaende_uppfoljning.month - 1]}" if table.foregaende_uppfoljning else "förra"
    )
    return [h.format(per=per, forra=forra, fg=table.date.year - 1) for h, _ in COLUMNS]


def cells(table: Table, unit: str, decimals: int, total_label: str = "Summa") -> list[list[str]]:
    """The printed cells, row by row, with the total last."""
    out = []
    for row in [*table.rows, table.total._replace(label=total_label)]:
        line = [row.label]
        for _, measure in COLUMNS:
            line.append(format_measure(row.measures, measure, unit, decimals))
        out.append(line)
    return out


def text_table(table: Table, unit: str, decimals: int, title: str, total_label: str) -> TextTable:
    """The printed table, the total (last row) in bold."""
    rows = cells(table, unit, decimals, total_label)
    first = unit.capitalize() if unit != "kr" else "Kronor"
    return TextTable(title, [first, *headers(table)], rows, bold=frozenset({len(rows) - 1}))


KIND_CHOICES, TOTAL_LABELS = SELECTIONS, SELECTION_TOTALS  # the CLI's --urval
GROUP_CHOICES = GROUPINGS
