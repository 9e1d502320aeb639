"""The nyckeltal table (tkr) as cells, Markdown or CSV (`namndbok nyckeltal`, the period-close set, the Fava page)."""

from __future__ import annotations

from namndbok.export.csv_excel import csv_text
from namndbok.swedish import format_amount, format_number

HEADERS = ("Verksamhet", "Mått", "Totala kostnader", "Övriga intäkter", "Nettokostnad", "Volym", "Enhet",
           "Nettokostnad per enhet", "Budget per enhet", "Avvikelse", "Volymeffekt", "Priseffekt")


def rows(results) -> list[list[str]]:
    """Printed cells in tkr (per enhet with one decimal); rounding only here."""
    out = []
    for n in results:
        out.append([
            n.spec.label, n.spec.namn,
            format_amount(n.totala_kostnader, "tkr", 0), format_amount(n.ovriga_intakter, "tkr", 0),
            format_amount(n.nettokostnad, "tkr", 0), format_number(n.volym, 0) if n.volym is not None else "",
            n.spec.enhet, format_amount(n.per_enhet, "tkr", 1), format_amount(n.budget_per_enhet, "tkr", 1),
            format_amount(n.avvikelse, "tkr", 0), format_amount(n.volymeffekt, "tkr", 0), format_amount(n.priseffekt, "tkr", 0),
        ])
    return out


RIGHT = [False, False, *[True] * 4, False, *[True] * 5]  # the numbers' columns, right-aligned


def to_csv(results) -> str:
    return csv_text(HEADERS, rows(results))


def to_markdown(results, title: str) -> str:
    from namndbok import markdown

    lines = [f"**{markdown.text(title)}** (tkr)", "", *markdown.table(HEADERS, rows(results), RIGHT)]
    return "\n".join(lines) + "\n"
