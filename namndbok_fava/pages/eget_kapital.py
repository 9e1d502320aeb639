"""Eget kapital: the roll-forward year by year and the decisions behind it, and its chart."""

from __future__ import annotations

from namndbok.swedish import format_amount
from namndbok_fava import charts
from namndbok_fava.pages import Cell, Table, date_text, ek_decisions


def page(ext, data, date, args) -> dict:
    from namndbok.eget_kapital import PLAN_NOTE, decision_listing, plan_years, roll_forward_table, table_years

    years = table_years(data, date)
    decisions = ek_decisions(ext)
    plan = plan_years(decisions, date)
    result = ext.cached(("ek", date), lambda d: roll_forward_table(d, years, date, plan))
    last = len(result.rows) - 1
    rows = [([Cell(label), *(Cell(format_amount(v, "mnkr", 1)) for v in values)], i in (0, last))
            for i, (label, values) in enumerate(result.rows)]
    table = Table(f"Eget kapital (ackumulerat resultat) per {date_text(date)} (mnkr)", ("", *result.columns), rows, "eget-kapital")
    listing = []
    for d in decision_listing(decisions):
        if len(d.amounts) > 1:  # a repayment plan: its years in one cell
            year, amount = "", "; ".join(f"{y}: {format_amount(value, 'mnkr', 1)}" for y, value in d.amounts)
        else:
            year, amount = (str(d.amounts[0][0]) if d.amounts[0][0] else ""), format_amount(d.amounts[0][1], "mnkr", 1)
        listing.append(([Cell(f"{d.date:%Y-%m-%d}"), Cell(d.name), Cell(d.typ), Cell(d.beslut), Cell(year), Cell(amount)], False))
    beslut = Table("Fullmäktiges och nämndens beslut om eget kapital", ("Datum", "Beslut", "Typ", "Referens", "Avser år", "Belopp (mnkr)"),
                   listing, "beslut")
    chart = ext.cached(("ek-diagram", date), lambda d: charts.eget_kapital_chart(d, decisions, date, plan))
    return {"table": table, "beslut": beslut, "chart": chart, "notes": [PLAN_NOTE] if plan else []}
