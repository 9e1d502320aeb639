"""The ramberäkning against a ledger: the one call the CLI (`namndbok budget ram`) and the
Fava page (Budgetarbete) share, so both show the same table.

    ledger_ram(data, year)             the ledger's kommunbidrag of `year` after all its budget
                                       decisions (kronor; `namndbok.budget_decisions.ledger_ram`)
    assumption_years(ledger)           the years with an assumptions file, budget/ÅR.toml
    default_year(years, date)          the page's year: the one after the report date if it has
                                       a file, else the latest
    temporary_changes(data)            the ledger's changes of single years' kommunbidrag (a repayment plan)
    ram_for(data, assumptions, ...)   the RamTable for budget `year` from the parsed assumptions
    parts_by_year(table, assumptions)  a year's ram as steps: Ram året före, uppräkning,
                                       volymer, beslutade förändringar, Summa rambudget (the chart)
    plan_kommunbidrag(table)           the plan years' Summa rambudget (a plan, never a budget)
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from namndbok.budget_decisions import ledger_ram, year_decisions
from namndbok.ledgerdata import META_PLAN
from namndbok.ramberakning import (CHANGE, FOLDER, GENERAL, PO, PRICES, RAM_BEFORE, SUBTOTAL, TOTAL, WAGES, Assumptions,
                                   RamTable, TemporaryChange, calculate_ram)


def assumption_years(ledger: str | Path) -> list[int]:
    """The years that have an assumptions file beside the ledger (budget/ÅR.toml), ascending."""
    folder = Path(ledger).parent / FOLDER
    if not folder.is_dir():
        return []
    return sorted(int(p.stem) for p in folder.glob("*.toml") if re.fullmatch(r"\d{4}", p.stem) and p.is_file())


def default_year(years: list[int], date: datetime.date) -> int | None:
    """The year after the report date if it has a file, else the latest file's year."""
    if not years:
        return None
    return date.year + 1 if date.year + 1 in years else years[-1]


def temporary_changes(data, years) -> tuple[TemporaryChange, ...]:
    """The ledger's decided changes of single years' kommunbidrag in `years` (the budget decisions
    the eget kapital plugin makes of a repayment plan, marked `META_PLAN`), one per plan, in
    kronor, committee sign."""
    plans: dict[str, TemporaryChange] = {}
    by_name = {d.name: d for d in data.decisions}
    for year in sorted(set(years)):
        for row in year_decisions(data, year):
            plan = by_name[row.name].meta.get(META_PLAN)
            if not isinstance(plan, str) or not row.kommunbidrag:
                continue
            meta = by_name[row.name].meta
            found = plans.setdefault(plan, TemporaryChange(plan, row.beslut, {},
                                                           f"{meta.get('filename')}:{meta.get('lineno')}"))
            found.belopp[year] = found.belopp.get(year, 0) + row.kommunbidrag
    return tuple(plans.values())


def ram_for(data, assumptions: Assumptions, year: int, plan_years: int) -> RamTable:
    """The ramberäkning for budget `year` and `plan_years` after it, Ram året före from the ledger
    unless the file gives it, with the ledger's changes of single years (`temporary_changes`);
    RamError (fil:rad) for a missing figure."""
    years = range(year - 1, year + plan_years + 1)
    return calculate_ram(assumptions, year, plan_years, ledger_ram(data, year - 1), temporary_changes(data, years))


class RamPart(NamedTuple):
    year: int
    label: str  # Ram året före, Uppräkning, Volymer, Beslutade förändringar, Summa rambudget
    amount: Decimal  # kronor
    kind: str  # "absolute" (the ram a year starts from), "relative" (a step) or "total" (the year's ram)


UPLIFT_LABELS = (GENERAL, WAGES, PO, PRICES)


def parts_by_year(table: RamTable, assumptions: Assumptions) -> list[RamPart]:
    """Each year's ram as a waterfall: the ram before, the uplift, the volumes, the decided
    changes (each the sum of its rows) and the year's Summa rambudget."""
    volumes = {driver.namn for driver in assumptions.volumes}
    known = {RAM_BEFORE, SUBTOTAL, TOTAL, CHANGE, *UPLIFT_LABELS, *volumes}
    changes = {row.label for row in table.rows} - known  # the file's and the ledger's decided changes
    parts = []
    for index, year in enumerate(table.years):
        def total(labels) -> Decimal:
            return sum((row.values[index] or Decimal(0) for row in table.rows if row.label in labels), Decimal(0))

        parts += [RamPart(year, RAM_BEFORE, table.row(RAM_BEFORE).values[index], "absolute"),
                  RamPart(year, "Uppräkning", total(UPLIFT_LABELS), "relative"),
                  RamPart(year, "Volymer", total(volumes), "relative"),
                  RamPart(year, "Beslutade förändringar", total(changes), "relative"),
                  RamPart(year, TOTAL, table.row(TOTAL).values[index], "total")]
    return parts


def plan_kommunbidrag(table: RamTable) -> dict[int, Decimal]:
    """Summa rambudget per year of the table (kronor): the kommunbidrag the plan gives each year."""
    return dict(zip(table.years, table.row(TOTAL).values))
