"""A SIE file's #PBUDGET of year 0 as one amount per verksamhet × konto × ansvar and month — each amount once.

Exporters write a budget in two ways, often in the same file: a `{}` row (the
account's total for the month) and object rows (`{1 "AO"}`, per cost centre),
which break that total down. Summing every row counts a broken-down amount
twice. So per account and month:

* a `{}` row is the total. Object rows in the mapped dimensions (verksamhet,
  ansvar) that add up to it are its breakdown, and the amounts go on their
  objects; object rows that do not add up to it are named in the reading, and
  the total goes on `verksamhet_saknas`.
* without a `{}` row, the object rows are the budget: the rows of the
  dimension(s) that map best (verksamhet first), summed per object.

Object rows in dimensions that are not mapped (e.g. projekt) are another
breakdown of the same total and never add to it. Pure: no file or ledger access.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from namndbok.importers.model import ControlTotal


class PbudgetReading(NamedTuple):
    months: dict[tuple[str, str, str | None], list[Decimal]]  # (verksamhet, konto, ansvar) → 12 amounts, debit positive
    lines: dict[tuple[str, str, str | None], int]  # each key's first line in the file
    readings: list[str]  # Swedish: how the rows were read, for the output


def _amount(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ").replace(".", ",")


def _dims_text(dims: frozenset) -> str:
    return " och ".join(sorted(dims))


def read_pbudget(totals: list[ControlTotal], first: str, last: str, verksamhet: str | None, ansvar: str | None,
                 saknas: str | None) -> PbudgetReading:
    """`totals` are the file's #PBUDGET rows; `first`/`last` the year's months (YYYYMM) to take."""
    mapped = {d for d in (verksamhet, ansvar) if d}
    cells: dict[tuple[str, str], list[ControlTotal]] = defaultdict(list)
    for total in totals:
        if not total.label.startswith("#PBUDGET 0 ") or not first <= total.period <= last:
            continue
        if total.konto[:1] in "12":  # balance-sheet budgets are not the committee's budget
            continue
        cells[(total.konto, total.period)].append(total)

    months: dict[tuple, list[Decimal]] = {}
    lines: dict[tuple, int] = {}
    breakdown, only_objects = set(), set()
    contradictions: dict[str, list[str]] = defaultdict(list)
    taken_dims: dict[str, str] = {}  # object-only accounts: the dimension whose rows were taken

    def book(key, period, amount, line):
        months.setdefault(key, [Decimal(0)] * 12)[int(period[4:]) - 1] += amount
        lines.setdefault(key, line)

    def key_of(konto, objekt):
        dims = dict(objekt)
        return (dims.get(verksamhet) or saknas or "", konto, dims.get(ansvar) if ansvar else None)

    for (konto, period), rows in sorted(cells.items()):
        plain = [r for r in rows if not r.objekt]
        groups: dict[frozenset, list[ControlTotal]] = defaultdict(list)
        for row in rows:
            if row.objekt:
                groups[frozenset(d for d, _ in row.objekt)].append(row)
        # The breakdown that maps best: most mapped dimensions, then fewest others.
        ranked = sorted(groups, key=lambda dims: (-len(dims & mapped), len(dims), sorted(dims)))
        best = ranked[0] if ranked else None
        if plain:
            total = sum((r.amount for r in plain), Decimal(0))
            sums = {dims: sum((r.amount for r in groups[dims]), Decimal(0)) for dims in groups}
            for dims in ranked:
                if sums[dims] != total:
                    contradictions[konto].append(f"{period[:4]}-{period[4:]}: dimension {_dims_text(dims)} "
                                                 f"{_amount(sums[dims])}, {{}}-raden {_amount(total)}")
            if best is not None and best & mapped and sums[best] == total:
                breakdown.add(konto)
                for row in groups[best]:
                    book(key_of(konto, row.objekt), period, row.amount, row.line)
            else:
                for row in plain:
                    book(key_of(konto, ()), period, row.amount, row.line)
        else:
            only_objects.add(konto)
            taken_dims[konto] = _dims_text(best)
            taken = sum((r.amount for r in groups[best]), Decimal(0))
            for dims in ranked[1:]:
                other = sum((r.amount for r in groups[dims]), Decimal(0))
                if other != taken:
                    contradictions[konto].append(f"{period[:4]}-{period[4:]}: dimension {_dims_text(dims)} "
                                                 f"{_amount(other)}, dimension {_dims_text(best)} {_amount(taken)}")
            for row in groups[best]:
                book(key_of(konto, row.objekt if best & mapped else ()), period, row.amount, row.line)

    readings = []
    if breakdown:
        readings.append(f"#PBUDGET: {{}}-raden är kontots budget; objektraderna som summerar till den är dess fördelning "
                        f"och läggs på sina objekt ({len(breakdown)} konton: {', '.join(sorted(breakdown))}). Varje belopp räknas en gång.")
    if only_objects:
        readings.append(f"#PBUDGET: konton med budget bara per objekt får objektradernas summa "
                        f"({len(only_objects)} konton: {', '.join(sorted(only_objects))}).")
    plain_only = {konto for konto, _ in cells} - breakdown - only_objects
    if plain_only:
        none = ", inga objektrader" if not breakdown and not only_objects else ""
        readings.insert(0, f"#PBUDGET: {{}}-raderna är kontonas budget ({len(plain_only)} konton{none}).")
    for konto, items in sorted(contradictions.items()):
        what = f"budgeten tar dimension {taken_dims[konto]}" if konto in taken_dims else "budgeten tar {}-raden"
        readings.append(f"#PBUDGET: konto {konto}: objektraderna summerar inte till samma belopp "
                        f"({'; '.join(items[:3])}{' …' if len(items) > 3 else ''}); {what}.")
    return PbudgetReading(months, lines, readings)
