"""The year's budget decisions and what each did to the kommunbidrag ("förändringar av kommunbidraget").

One row per budget decision with lines in the year: date, typ, reference (`beslut:`), and the
kommunbidrag change in the committee's sign (more kommunbidrag is positive):

- a decision with `ersatter:` changes the kommunbidrag by its own lines' kommunbidrag minus the
  replaced version's (an internbudget that keeps the KF frame changes nothing);
- any other decision by its own lines' kommunbidrag (the first KF budget: the whole frame).

So the changes add up to the year's kommunbidrag after the last decision.

A proposal (`status: "förslag"`, from `namndbok budget fordela`) is no decision: `year_decisions`
leaves it out (and so the kommunbidrag after the decisions, `ledger_ram`); `year_proposals` gives
each proposal waiting with lines in the year, its change reckoned the same way, to be shown after
the decided rows, marked as a proposal and not summed (`cells`, `proposal_note`).

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
from namndbok.budget import BudgetDecision, BudgetLine, is_proposal

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
    proposal: bool = False  # a förslag, not yet decided: shown, never summed


def year_decisions(data, year: int) -> list[DecisionRow]:
    """The budget decisions with lines in `year`, in decision order, with their kommunbidrag change."""
    return decision_rows(data.decisions, data.budget_lines, data.refs, year)


def year_proposals(data, year: int) -> list[DecisionRow]:
    """The proposals (`status: "förslag"`) with lines in `year`, in order, with the kommunbidrag change
    each would make if decided."""
    return decision_rows(data.decisions, data.budget_lines, data.refs, year, proposals=True)


def decision_rows(decisions: list[BudgetDecision], lines: list[BudgetLine], refs: dict, year: int,
                  proposals: bool = False) -> list[DecisionRow]:
    """The decided decisions' rows, or (`proposals`) the proposals' instead."""
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
        if decision.name not in by_decision or is_proposal(decision) != proposals:  # a proposal is not a decision yet
            continue
        change = total(decision.name)
        if decision.ersatter:
            change -= total(decision.ersatter)
        rows.append(DecisionRow(decision.date, decision.name, decision.typ, decision.beslut, decision.ersatter,
                                change, _parts(kommunbidrag_lines(decision.name)), proposals))
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
PROPOSAL_MARK = "förslag"


def typ_label(row: DecisionRow) -> str:
    """The Typ cell: a proposal is marked ("internbudget (förslag)")."""
    return f"{row.typ} ({PROPOSAL_MARK})" if row.proposal else row.typ


def proposal_note(row: DecisionRow, year: int, total: str = TOTAL) -> str:
    """The line under a table that lists the proposal `row` (Swedish): not decided, not in the row
    `total`, and the command that decides it."""
    named = "" if row.name == f"Internbudget {year}" else f' --namn "{row.name}"'
    return (f"Förslaget '{row.name}' är inte beslutat och ingår inte i raden ”{total}”. Besluta det med "
            f'`namndbok budget fordela {year}{named} --beslut "…"` (beslutets referens, t.ex. "KF {year - 1}-11-20 §150").')


def cells(rows: list[DecisionRow], unit: str = "mnkr", decimals: int = 1,
          proposals: list[DecisionRow] = ()) -> list[list[str]]:
    """Printed cells: a row per decision, a 'varav' row per part under it, the sum of the changes, then
    each proposal (`year_proposals`) marked as one, outside the sum."""
    from namndbok.swedish import format_amount

    def printed(row: DecisionRow) -> list[list[str]]:
        return [[row.date.isoformat(), row.name, typ_label(row), row.beslut, format_amount(row.kommunbidrag, unit, decimals)],
                *(["", f"  varav {part}", "", "", format_amount(amount, unit, decimals)] for part, amount in row.parts)]

    out: list[list[str]] = [cell for row in rows for cell in printed(row)]
    out.append(["", TOTAL, "", "", format_amount(sum((row.kommunbidrag for row in rows), Decimal(0)), unit, decimals)])
    out.extend(cell for row in proposals for cell in printed(row))
    return out


def decided_by(rows: list[DecisionRow], date: datetime.date) -> list[DecisionRow]:
    """The decisions taken by `date` (a report per a date sees those)."""
    return [row for row in rows if row.date <= date]
