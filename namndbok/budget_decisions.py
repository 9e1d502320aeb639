"""The year's budget decisions and what each did to the kommunbidrag ("förändringar av kommunbidraget").

One row per budget decision with lines in the year: date, typ, reference (`beslut:`), and the
kommunbidrag change in the committee's sign (more kommunbidrag is positive):

- a decision with `ersatter:` changes the kommunbidrag by its own lines' kommunbidrag minus the
  replaced version's (an internbudget that keeps the KF frame changes nothing);
- any other decision by its own lines' kommunbidrag (the first KF budget: the whole frame).

So the changes add up to the year's kommunbidrag after the last decision.

A decision's parts are the `del:` of its kommunbidrag lines, summed per `del` in the order they
first appear (a net −1,4 mnkr as −3,0 "PO" and +1,6 "Löneökning"); lines without `del:` in a
decision that has parts make the part "Övrigt". A decision with no `del:` has no parts.

Pure: LedgerData in, rows out.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from namndbok.accounts import KIND_KOMMUNBIDRAG
from namndbok.budget import BudgetDecision, BudgetLine

PART = "del"
REST = "Övrigt"


class DecisionRow(NamedTuple):
    date: datetime.date
    name: str
    typ: str
    beslut: str
    ersatter: str | None
    kommunbidrag: Decimal  # the change, committee sign (more kommunbidrag > 0)
    parts: tuple[tuple[str, Decimal], ...]  # (del, change), committee sign; () without del:


def year_decisions(data, year: int) -> list[DecisionRow]:
    """The budget decisions with lines in `year`, in decision order, with their kommunbidrag change."""
    return decision_rows(data.decisions, data.budget_lines, data.refs, year)


def decision_rows(decisions: list[BudgetDecision], lines: list[BudgetLine], refs: dict, year: int) -> list[DecisionRow]:
    by_decision: dict[str, list[BudgetLine]] = defaultdict(list)
    for line in lines:
        if line.date.year == year:
            by_decision[line.version].append(line)

    def kommunbidrag_lines(name: str) -> list[BudgetLine]:
        return [line for line in by_decision.get(name, ()) if _is_kommunbidrag(refs, line.account)]

    def total(name: str) -> Decimal:
        return -sum((line.amount for line in kommunbidrag_lines(name)), Decimal(0))

    rows = []
    for decision in sorted(decisions, key=lambda d: d.order):
        if decision.name not in by_decision:
            continue
        change = total(decision.name)
        if decision.ersatter:
            change -= total(decision.ersatter)
        rows.append(DecisionRow(decision.date, decision.name, decision.typ, decision.beslut, decision.ersatter,
                                change, _parts(kommunbidrag_lines(decision.name))))
    return rows


def ledger_ram(data, year: int) -> Decimal | None:
    """The year's kommunbidrag after all its budget decisions, kronor (None: no decision has lines that year)."""
    rows = year_decisions(data, year)
    return sum((row.kommunbidrag for row in rows), Decimal(0)) if rows else None


def _is_kommunbidrag(refs: dict, account: str) -> bool:
    ref = refs.get(account)
    return ref is not None and ref.kind == KIND_KOMMUNBIDRAG


def _parts(lines: list[BudgetLine]) -> tuple[tuple[str, Decimal], ...]:
    if not any(isinstance(line.meta.get(PART), str) and line.meta[PART].strip() for line in lines):
        return ()
    sums: dict[str, Decimal] = {}
    for line in lines:
        part = line.meta.get(PART)
        label = part.strip() if isinstance(part, str) and part.strip() else REST
        sums[label] = sums.get(label, Decimal(0)) - line.amount
    return tuple(sums.items())


def part_faults(lines: list[BudgetLine]) -> list[str]:
    """'fil:rad: message' for each budget line whose `del:` is not a text."""
    return [f"{line.meta.get('filename')}:{line.meta.get('lineno')}: del: ska vara en text inom citattecken, "
            f"t.ex. del: \"PO-pålägg\"."
            for line in lines if PART in line.meta and not isinstance(line.meta[PART], str)]


HEADERS = ("Datum", "Beslut", "Typ", "Referens", "Kommunbidrag")
TOTAL = "Kommunbidrag efter besluten"


def cells(rows: list[DecisionRow], unit: str = "mnkr", decimals: int = 1) -> list[list[str]]:
    """Printed cells: a row per decision, a 'varav' row per part under it, and the sum of the changes last."""
    from namndbok.swedish import format_amount

    out: list[list[str]] = []
    for row in rows:
        out.append([row.date.isoformat(), row.name, row.typ, row.beslut, format_amount(row.kommunbidrag, unit, decimals)])
        out.extend(["", f"  varav {part}", "", "", format_amount(amount, unit, decimals)] for part, amount in row.parts)
    out.append(["", TOTAL, "", "", format_amount(sum((row.kommunbidrag for row in rows), Decimal(0)), unit, decimals)])
    return out


def decided_by(rows: list[DecisionRow], date: datetime.date) -> list[DecisionRow]:
    """The decisions taken by `date` (a report per a date sees those)."""
    return [row for row in rows if row.date <= date]
