"""Budgetarbete: the ramberäkning for a coming year and its plan years, as `namndbok budget ram ÅR`
prints it (the same call, `namndbok.ram_ledger.ram_for`, and the same cells,
`namndbok.ramberakning.cells`), the year chosen among the assumptions files (budget/ÅR.toml),
the decided changes with their decisions, the kommunbidrag the plan gives each year beside the
decided one (a waiting proposal named under it, outside the decided row, as `namndbok budgetbeslut`
lists it), and a waterfall chart of each year's ram."""

from __future__ import annotations

from namndbok.swedish import UNITS, format_amount
from namndbok_fava import charts
from namndbok_fava.pages import Cell, Table, without_folder

PLAN_YEARS = 2  # as the CLI's --planar
DECIDED_ROW = "Beslutat hittills (budgetbeslut i liggaren)"


def page(ext, data, date, args) -> dict:
    from namndbok.ram_ledger import (assumption_years, default_year, ledger_ram, plan_kommunbidrag, ram_for,
                                     temporary_changes)
    from namndbok.ramberakning import RamError, assumptions_path, cells, parse_assumptions

    years = assumption_years(ext.ledger.beancount_file_path)
    chosen = args.get("ar", "")
    year = int(chosen) if chosen.isdigit() and int(chosen) in years else default_year(years, date)
    content = {"years": years, "year": year, "table": None, "message": None}
    if year is None:
        content["message"] = ("Det finns inga antaganden för budgetarbetet: lägg en antagandefil budget/ÅR.toml "
                              f"(t.ex. budget/{date.year + 1}.toml) bredvid liggaren. Filens nycklar beskrivs i "
                              "docs/budgetarbete.md.")
        return content
    path = assumptions_path(ext.ledger.beancount_file_path, year)
    try:
        assumptions = parse_assumptions(path)
        table = ram_for(data, assumptions, year, PLAN_YEARS)
    except RamError as err:
        content["message"] = without_folder(str(err), ext.ledger_dir)
        return content
    unit = table.enhet
    headers, printed = cells(table, unit, 0)
    rows = [([Cell(text) for text in texts], row.bold) for texts, row in zip(printed, table.rows)]
    content["table"] = Table(f"Ramberäkning {table.years[0]}–{table.years[-1]} ({unit})", tuple(headers), rows, "ramberakning")
    content["notes"] = [without_folder(note, ext.ledger_dir) for note in table.notes]
    in_file = [(c.namn, c.typ, c.beslut, {y: v * UNITS[assumptions.enhet] for y, v in c.belopp.items()})
               for c in assumptions.changes]
    in_ledger = [(t.namn, "återbetalningsplan (liggaren)", t.beslut, t.belopp)
                 for t in temporary_changes(data, table.years) if any(y in t.belopp for y in table.years)]
    content["changes"] = Table(
        "Beslutade förändringar i ramberäkningen", ("Förändring", "Typ", "Beslut", *map(str, table.years)),
        [([Cell(namn), Cell(typ), Cell(beslut),
           *(Cell(format_amount(belopp[y], unit, 0) if y in belopp else "") for y in table.years)], False)
         for namn, typ, beslut, belopp in (*in_file, *in_ledger)], "forandringar", text_columns=3)
    content["kommunbidrag"] = kommunbidrag_table(data, table, plan_kommunbidrag(table), ledger_ram, unit)
    content["kommunbidrag_notes"] = decided_notes(data, table, unit)
    content["chart"] = charts.ram_chart(table, assumptions)
    return content


def kommunbidrag_table(data, table, plan, ledger_ram, unit: str) -> Table:
    """The kommunbidrag per year: as decided (the ledger's budget decisions) and as planned (the
    ramberäkning's Summa rambudget), on separate rows: a plan is never shown as a budget."""
    years = (table.years[0] - 1, *table.years)
    decided = [ledger_ram(data, y) for y in years]
    rows = [([Cell(DECIDED_ROW), *(Cell(format_amount(v, unit, 0)) for v in decided)], False),
            ([Cell("Plan: summa rambudget (ramberäkningen, ej beslutad)"),
              *(Cell(format_amount(plan.get(y), unit, 0) if y in plan else "") for y in years)], False)]
    return Table(f"Kommunbidrag per år: beslutat och planerat ({unit})", ("", *map(str, years)), rows, "kommunbidrag-plan")


def decided_notes(data, table, unit: str = "mnkr") -> list[str]:
    """Which budget decisions the decided row holds for the table's years: a year whose budget is
    not yet decided may carry a decision already (a deficit repayment that lowers its kommunbidrag);
    and each proposal waiting (`status: "förslag"`), with its kommunbidrag, not in the decided row."""
    from namndbok.budget_decisions import proposal_note, year_decisions, year_proposals

    notes = []
    for year in table.years:
        decisions = year_decisions(data, year)
        if decisions:
            notes.append(f"Beslutat för {year} hittills: " + "; ".join(f"{d.name} ({d.beslut})" for d in decisions) + ".")
        for row in year_proposals(data, year):
            notes.append(f"Förslag för {year}, ej beslutat: {row.name} ({row.typ}, {row.date:%Y-%m-%d}), kommunbidrag "
                         f"{format_amount(row.kommunbidrag, unit, 0)} {unit}. " + proposal_note(row, year, DECIDED_ROW))
    return notes
