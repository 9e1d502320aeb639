"""Budget decisions and budget lines, as written in the ledger.

Every budget version and every change is a decision with its reference, and
the lines it sets, in Beancount's sign (a cost budget is positive):

    2025-11-24 custom "budgetbeslut" "KF-budget 2026"
      typ: "kf-budget"
      beslut: "KF 2025-11-24 §210"

    2026-01-01 custom "budgetrad" "KF-budget 2026" Intäkter:Socialnämnden:Kommunbidrag  -941800000.00 SEK
    2026-01-01 custom "budgetrad" "KF-budget 2026" Kostnader:Socialnämnden               941800000.00 SEK

    2025-12-10 custom "budgetbeslut" "Internbudget 2026"
      typ: "internbudget"
      beslut: "SN 2025-12-10 §150"
      ersatter: "KF-budget 2026"

    2026-01-01 custom "budgetrad" "Internbudget 2026" Kostnader:Socialnämnden:5731:4610  231000000.00 SEK
      nyckel: "fjolår"

- A line's budget year is the year of its date.
- A decision counts from its own date: a report per a date sees the decisions
  taken by then. `ersatter` names a version the decision replaces whole (the
  detailed internbudget replaces the KF frame); without it the lines add to
  what is there (tilläggsbudget, kommunbidrag changes, omfördelning).
- After each decision the year's budget must balance per nämnd: kommunbidrag +
  intäkter + kostnader = 0 in the ledger's sign (checked once the year has its
  KF frame or internbudget, so a plan decided years ahead does not warn). The
  warning names the decision that put it out of balance: a later decision that
  leaves the gap as it was (itself balanced) is not blamed. Decisions of typ
  `resultatreglering` (a deficit repaid by a lower kommunbidrag, a surplus the
  council lets the committee use) plan a result on purpose and are left out
  of that check.
- A decision with `status: "förslag"` (an internbudget proposal from `namndbok budget
  fordela`) is not the budget: no report sees it unless asked for it by name
  (`--budgetversion`); the balance check still checks it.

`parse_budget` is pure: entries in, decisions, lines and errors out.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Iterable, Mapping, NamedTuple

from beancount.core import account as bc_account
from beancount.core import amount as bc_amount
from beancount.core import data

from namndbok.accounts import RESULT_KINDS, AccountRef
from namndbok.swedish import format_amount

DECISION = "budgetbeslut"
LINE = "budgetrad"
TYPES = ("kf-budget", "internbudget", "tilläggsbudget", "omfördelning", "kommunbidrag", "resultatreglering")
PLANNED_RESULT = "resultatreglering"
MAIN_TYPES = ("kf-budget", "internbudget")
STATUS = "status"
PROPOSAL = "förslag"


class BudgetDecision(NamedTuple):
    date: datetime.date
    name: str
    typ: str
    beslut: str
    ersatter: str | None
    order: int  # position among the decisions (date, then file order)
    meta: dict


class BudgetLine(NamedTuple):
    date: datetime.date
    version: str
    account: str
    amount: Decimal  # Beancount sign
    nyckel: str | None
    meta: dict


class LedgerInputError(NamedTuple):
    """A Beancount error (source, message, entry) from our directives."""

    source: dict
    message: str
    entry: object


def valued(entry):
    """A custom directive whose values are a list: Beancount leaves them None on a line that has
    none (`2026-03-31 custom "prognos"`), which neither our readers nor Beancount's printer (the
    error's entry, in `namndbok kontrollera`) can walk."""
    return entry._replace(values=[]) if entry.values is None else entry


class BudgetWarning(NamedTuple):
    """Like LedgerInputError, but the ledger is still usable; message starts 'Varning:'."""

    source: dict
    message: str
    entry: object


def parse_budget(entries: Iterable, currency: str) -> tuple[list[BudgetDecision], list[BudgetLine], list]:
    """Budget decisions and lines from the ledger's custom directives."""
    errors: list = []
    decisions: dict[str, BudgetDecision] = {}
    raw_lines = []
    for entry in entries:
        if entry.__class__ is not data.Custom:
            continue
        entry = valued(entry)
        if entry.type == DECISION:
            decision = _decision(entry, len(decisions), errors)
            if decision is None:
                continue
            if decision.name in decisions:
                errors.append(LedgerInputError(entry.meta, f"Budgetbeslutet '{decision.name}' finns redan (rad {decisions[decision.name].meta.get('lineno')}). Ge varje beslut ett eget namn.", entry))
                continue
            decisions[decision.name] = decision
        elif entry.type == LINE:
            raw_lines.append(entry)

    for decision in decisions.values():
        if decision.ersatter is not None and (
            decision.ersatter not in decisions or decisions[decision.ersatter].order >= decision.order
        ):
            errors.append(LedgerInputError(decision.meta, f"Budgetbeslutet '{decision.name}' ersätter '{decision.ersatter}', som inte finns som ett tidigare budgetbeslut.", None))

    lines = [line for line in (parse_line(entry, decisions, currency, errors) for entry in raw_lines) if line is not None]
    return sorted(decisions.values(), key=lambda d: d.order), lines, errors


def parse_line(entry, decisions: Mapping[str, BudgetDecision], currency: str, errors: list) -> BudgetLine | None:
    """One `custom "budgetrad"` directive, for a decision in `decisions`; None (and an error) if it is not one."""
    values = entry.values
    if (len(values) != 3 or values[0].dtype is not str or values[1].dtype != bc_account.TYPE
            or not isinstance(values[2].value, bc_amount.Amount)):
        errors.append(LedgerInputError(entry.meta, 'En budgetrad skrivs: DATUM custom "budgetrad" "Beslutets namn" Konto Belopp SEK.', entry))
        return None
    version, account, amount = values[0].value, values[1].value, values[2].value
    if version not in decisions:
        errors.append(LedgerInputError(entry.meta, f"Budgetraden hör till beslutet '{version}', som inte finns. Skriv först ett custom \"budgetbeslut\" \"{version}\" med typ: och beslut:.", entry))
        return None
    if amount.currency != currency:
        errors.append(LedgerInputError(entry.meta, f"Budgetraden är i {amount.currency}; liggaren räknar i {currency}.", entry))
        return None
    return BudgetLine(entry.date, version, account, amount.number, entry.meta.get("nyckel"), entry.meta)


def _decision(entry, order: int, errors: list) -> BudgetDecision | None:
    values = entry.values
    if len(values) != 1 or values[0].dtype is not str:
        errors.append(LedgerInputError(entry.meta, 'Ett budgetbeslut skrivs: DATUM custom "budgetbeslut" "Namn", med metadata typ: och beslut:.', entry))
        return None
    typ, beslut = entry.meta.get("typ"), entry.meta.get("beslut")
    if not isinstance(typ, str) or typ not in TYPES:  # an amount (typ: 5 SEK) cannot be compared with a text
        errors.append(LedgerInputError(entry.meta, f"Budgetbeslutet '{values[0].value}' behöver typ: ett av {', '.join(TYPES)}.", entry))
        return None
    if not isinstance(beslut, str) or not beslut.strip():
        errors.append(LedgerInputError(entry.meta, f"Budgetbeslutet '{values[0].value}' saknar beslut: (beslutsinstans, datum och paragraf eller diarienummer, t.ex. \"KF 2025-11-24 §210\").", entry))
        return None
    return BudgetDecision(entry.date, values[0].value, typ, beslut, entry.meta.get("ersatter"), order, entry.meta)


def is_proposal(decision: BudgetDecision) -> bool:
    """A proposal (`status: "förslag"`), not yet decided."""
    return decision.meta.get(STATUS) == PROPOSAL


def decisions_in_effect(
    decisions: list[BudgetDecision], date: datetime.date, version: str | None = None
) -> list[BudgetDecision]:
    """The decisions that make up the budget at `date` (or right after `version`); a proposal
    only when it is `version` itself."""
    taken = [d for d in decisions if d.date <= date and not is_proposal(d)]
    if version is not None:
        last = next((d for d in decisions if d.name == version), None)
        if last is None:
            raise KeyError(version)
        taken = [d for d in decisions if d.order <= last.order and (d is last or not is_proposal(d))]
    replaced = {d.ersatter for d in taken if d.ersatter}
    return [d for d in taken if d.name not in replaced]


def lines_in_effect(
    decisions: list[BudgetDecision],
    lines: list[BudgetLine],
    year: int,
    date: datetime.date,
    version: str | None = None,
) -> list[BudgetLine]:
    """The year's budget lines as known at `date` (or as set by `version`)."""
    names = {d.name for d in decisions_in_effect(decisions, date, version)}
    return [line for line in lines if line.version in names and line.date.year == year]


def balance_warnings(
    decisions: list[BudgetDecision],
    lines: list[BudgetLine],
    refs: dict[str, AccountRef],
) -> list[BudgetWarning]:
    """A warning for each decision after which a year's budget does not balance.

    Each decision's lines are summed once, per year and nämnd and kind; the budget
    after a decision is then the sum of the sums of the decisions in effect."""
    decisions = sorted(decisions, key=lambda d: d.order)
    touched_by: dict[str, set] = defaultdict(set)  # decision → (year, nämnd) its lines touch
    sums_by: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: defaultdict(Decimal)))  # decision → (year, nämnd) → kind → sum
    planned = {d.name for d in decisions if d.typ == PLANNED_RESULT}
    for line in lines:
        ref = refs.get(line.account)
        if ref is None:
            continue
        where = (line.date.year, ref.namnd)
        touched_by[line.version].add(where)
        if ref.kind in RESULT_KINDS and line.version not in planned:
            sums_by[line.version][where][ref.kind] += line.amount

    def main_years(in_effect) -> set:
        """A year is checked once it has its main budget (a KF frame or an internbudget)."""
        return set().union(*(touched_by.get(d.name, ()) for d in in_effect if d.typ in MAIN_TYPES))

    def kind_sums(in_effect, where) -> dict[str, Decimal]:
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for d in in_effect:
            for kind, amount in sums_by[d.name][where].items():
                sums[kind] += amount
        return sums

    warnings = []
    for number, decision in enumerate(decisions):
        touched = touched_by.get(decision.name)
        if not touched:
            continue
        in_effect = decisions_in_effect(decisions, decision.date, decision.name)
        # The budget just before the decision: a decision that leaves the gap as it found it
        # (itself balanced, e.g. a tilläggsbudget with its kommunbidrag) is not blamed for it.
        before = decisions_in_effect(decisions[:number], decision.date, decisions[number - 1].name) if number else []
        checked_before = main_years(before)
        for year, namnd in sorted(touched & main_years(in_effect), key=lambda t: (t[0], t[1] or "")):
            sums = kind_sums(in_effect, (year, namnd))
            gap = sum(sums.values())
            gap_before = sum(kind_sums(before, (year, namnd)).values()) if (year, namnd) in checked_before else None
            if gap != 0 and gap != gap_before:
                netto = sums["kostnad"] + sums["intäkt"] + sums["disposition"]
                more = "nettokostnaden överstiger kommunbidraget" if gap > 0 else "kommunbidraget överstiger nettokostnaden"
                warnings.append(BudgetWarning(
                    decision.meta,
                    f"Varning: budgeten {year} för {namnd} är inte i balans efter beslutet '{decision.name}': "
                    f"nettokostnad {format_amount(netto, 'kr', 2)} kr, kommunbidrag "
                    f"{format_amount(-sums['kommunbidrag'], 'kr', 2)} kr; {more} med "
                    f"{format_amount(abs(gap), 'kr', 2)} kr. Lägg till de budgetrader som saknas, eller ge "
                    "beslutet typ: \"resultatreglering\" om fullmäktige beslutat om ett planerat resultat.",
                    None,
                ))
    return warnings
