"""The example's budget: KF frame, internbudget and the decisions of the year.

Amounts are öre in the committee's sign inside this module and turn into
Beancount's sign only when written.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from namndbok.accounts import KIND_INTAKT, KIND_KOMMUNBIDRAG, KIND_KOSTNAD, KIND_TILLGANG, balance_account, result_account
from namndbok.kontoplan import Kontoplan
from namndbok.scripts.exempel.amounts import mnkr_to_ore, scale, split_exact
from namndbok.scripts.exempel.render import aligned, file_header
from namndbok.scripts.exempel.spec import (
    BUDGET_INTAKT_FAKTOR,
    DECISIONS,
    EK_DECISIONS,
    INVESTMENTS,
    LINES,
    NAMND,
    ROOTS,
    SAVINGS,
    TOTALS,
    BudgetDecisionSpec,
)

TKR = 100_000  # öre


class BudgetRow(NamedTuple):
    kind: str
    verksamhet: str | None
    konto: str | None
    ore: int  # the committee's sign


class Decision(NamedTuple):
    spec: BudgetDecisionSpec
    line_date: datetime.date
    rows: list[BudgetRow]


def internbudget(year: int) -> dict[str, tuple[int, int, int]]:
    """(kommunbidrag, intäkter, kostnader) per verksamhet, balanced, öre."""
    out = {}
    for verksamhet, (kb, intakter, _) in TOTALS[year].items():
        kb_ore = mnkr_to_ore(kb)
        intakt = scale(mnkr_to_ore(intakter), BUDGET_INTAKT_FAKTOR.get(verksamhet, "1"))
        out[verksamhet] = (kb_ore, intakt, -kb_ore - intakt)
    return out


def konto_weights(verksamhet: str, kind: str) -> dict[str, int]:
    weights: dict[str, int] = defaultdict(int)
    for _, konto, weight in LINES[verksamhet][kind]:
        weights[konto] += weight
    return dict(sorted(weights.items()))


def _detail(year: int) -> list[BudgetRow]:
    rows = []
    if year in SAVINGS:  # a saving not yet spread over the verksamheter
        rows.append(BudgetRow(KIND_KOSTNAD, None, None, SAVINGS[year][0]))
    for verksamhet, (kb, intakt, kostnad) in internbudget(year).items():
        rows.append(BudgetRow(KIND_KOMMUNBIDRAG, verksamhet, None, kb))
        for kind, total in ((KIND_INTAKT, intakt), (KIND_KOSTNAD, kostnad)):
            weights = konto_weights(verksamhet, kind)
            if not weights:
                continue
            for konto, tkr in zip(weights, split_exact(total // TKR, list(weights.values()))):
                rows.append(BudgetRow(kind, verksamhet, konto, tkr * TKR))
    return rows


def decisions(year: int) -> list[Decision]:
    detail = _detail(year)
    out = []
    for spec in DECISIONS[year]:
        line_date = datetime.date.fromisoformat(spec.date)
        if spec.typ in ("kf-budget", "internbudget"):
            line_date = datetime.date(year, 1, 1)
        if spec.typ == "kf-budget":
            frame = sum(r.ore for r in detail if r.kind == KIND_KOMMUNBIDRAG)
            net = sum(r.ore for r in detail if r.kind != KIND_KOMMUNBIDRAG)
            rows = [BudgetRow(KIND_KOMMUNBIDRAG, None, None, frame), BudgetRow(KIND_KOSTNAD, None, None, net)]
        elif spec.typ == "internbudget":
            rows = detail
        else:
            rows = []
            for kind, verksamhet, konto, ore in spec.lines:
                if kind == "po":
                    rows += _spread_po(detail, konto, ore)
                else:
                    rows.append(BudgetRow(kind, verksamhet, konto, ore))
        out.append(Decision(spec, line_date, rows))
    return out


def _spread_po(detail: list[BudgetRow], konto: str, total: int) -> list[BudgetRow]:
    """A change of kommunbidrag and PO spread over verksamheter by their PO budget."""
    po = {r.verksamhet: -r.ore for r in detail if r.kind == KIND_KOSTNAD and r.konto == konto}
    rows = []
    for verksamhet, tkr in zip(po, split_exact(total // TKR, list(po.values()))):
        rows.append(BudgetRow(KIND_KOMMUNBIDRAG, verksamhet, None, tkr * TKR))
        rows.append(BudgetRow(KIND_KOSTNAD, verksamhet, konto, -tkr * TKR))
    return rows


def repayments(year: int) -> list[tuple[datetime.date, BudgetRow]]:
    """The kommunbidrag changes the council's repayment plans set for `year`
    (namndbok.plugins.eget_kapital turns them into budget lines)."""
    return [
        (datetime.date.fromisoformat(spec.date), BudgetRow(KIND_KOMMUNBIDRAG, None, None, change))
        for spec in EK_DECISIONS
        for plan_year, change in spec.plan
        if plan_year == year
    ]


def budget_at(year: int, date: datetime.date) -> dict[tuple[str, str], int]:
    """Öre per (verksamhet, kind) of the budget as known at `date` (committee's sign)."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for decision in decisions(year):
        if decision.spec.typ == "kf-budget" or datetime.date.fromisoformat(decision.spec.date) > date:
            continue
        for row in decision.rows:
            totals[(row.verksamhet, row.kind)] += row.ore
    for decided, row in repayments(year):
        if decided <= date:
            totals[(row.verksamhet, row.kind)] += row.ore
    return dict(totals)


def kommunbidrag_months(year: int) -> dict[str, list[int]]:
    """Kommunbidrag paid per verksamhet and month: 1/12 of the budget as it stands,
    with the catch-up of a decision in the month it is taken."""
    out: dict[str | None, list[int]] = {}
    at_year_end = budget_at(year, datetime.date(year, 12, 31))
    paid_to = [v for v in TOTALS[year]] + ([None] if (None, KIND_KOMMUNBIDRAG) in at_year_end else [])
    for verksamhet in paid_to:
        paid, months = 0, []
        for month in range(1, 13):
            end = datetime.date(year, month, calendar.monthrange(year, month)[1])
            kb = budget_at(year, end).get((verksamhet, KIND_KOMMUNBIDRAG), 0)
            due = int((Decimal(kb) * month / 12).quantize(Decimal(1), rounding=ROUND_HALF_UP))
            months.append(due - paid)
            paid = due
        out[verksamhet] = months
    return out


def render_budget(year: int, plan: Kontoplan) -> str:
    out = file_header(f"Budget {year} – {plan.namn}, {plan.kommun}: besluten och deras budgetrader.")
    out += [
        "; Beloppen står med Beancounts tecken: kostnader positiva, intäkter och",
        "; kommunbidrag negativa. Varje beslut har sin referens; ett beslut med",
        "; ersatter: byter ut en tidigare version, övriga lägger till.",
    ]
    for decision in decisions(year):
        spec = decision.spec
        out += decision_lines(spec, decision.line_date, [
            (result_account(ROOTS, row.kind, NAMND, row.verksamhet, row.konto), row.ore, _comment(row, plan, year, spec.typ))
            for row in decision.rows])
    investment = INVESTMENTS.get(year)
    if investment:
        account = balance_account(ROOTS, KIND_TILLGANG, NAMND, investment.konto)
        out += ["", "; Investeringsbudgeten följs upp för sig (investering = true i kontoplanen).",
                f'{investment.decided} custom "budgetbeslut" "{investment.name}"', '  typ: "kf-budget"',
                f'  beslut: "{investment.beslut}"', ""]
        out += aligned([(f'{year}-01-01 custom "budgetrad" "{investment.name}" {account}', investment.budget,
                         plan.konton[investment.konto].namn)], indent="")
    return "\n".join(out) + "\n"


def decision_lines(spec: BudgetDecisionSpec, line_date: datetime.date, rows: list[tuple[str, int, str]]) -> list[str]:
    """A budget decision (`custom "budgetbeslut"`) and its lines, each (account, öre in the
    committee's sign, comment), after a blank line (also the generated municipality's, `kommun`)."""
    out = ["", f'{spec.date} custom "budgetbeslut" "{spec.name}"', f'  typ: "{spec.typ}"', f'  beslut: "{spec.beslut}"']
    if spec.ersatter:
        out.append(f'  ersatter: "{spec.ersatter}"')
    out.append("")
    return out + aligned([(f'{line_date} custom "budgetrad" "{spec.name}" {account}', -ore, comment)
                          for account, ore, comment in rows], indent="")


def _comment(row: BudgetRow, plan: Kontoplan, year: int, typ: str) -> str:
    if row.verksamhet is None:
        if row.kind == KIND_KOMMUNBIDRAG:
            return "Kommunbidrag, hela nämnden"
        return "Nettokostnadsram, hela nämnden" if typ == "kf-budget" else SAVINGS[year][1]
    name = plan.verksamheter[row.verksamhet].namn
    if row.konto is None:
        return name
    return f"{plan.konton[row.konto].namn} · {name}"
