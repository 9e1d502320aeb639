"""Fava's own budget directives, from our budget lines: pure, for the Fava extension.

Fava's account reports (and the Intäkter and Kostnader charts of its income
statement) show a budget beside utfall from `custom "budget"` directives
(`fava.core.budgets`). Our ledger keeps its budget as decisions and lines
(`namndbok.budget`), spread over the months by the periodisering, so Fava's
directives are derived: one for every budgeted account and month where the
monthly amount changes, then a zero when the budget ends. The amounts are the
budget as of the last decision (or of the version named on the plugin line with
`fava=`), rounded to öre per month for Fava's display; our engine keeps them exact.

**What Fava prints beside a budget, and so what it may be given** (Fava 1.30):

- Fava's budget of an account is `calculate` (the directives on that very name)
  and its children's is `calculate_children` (every directive whose account name
  *starts with* the name). The charts (an account's bar chart, the income
  statement's Intäkter and Kostnader charts) draw the children's budget behind the
  children's utfall. The account page's interval tables (Förändringar, Saldon)
  show, per row and period, the row's own utfall against its own budget when the
  row has either, else the children's utfall against the children's budget (as a
  difference, "utfall (+avvikelse)"; a collapsed row always the children's).
- Our budget lines sit on the level they were decided on (nämnd, verksamhet,
  konto), utfall is booked on the level below it (the example books per ansvar,
  `…:5731:4610:2200`; a ledger made from a SIE file per verksamhet:konto). A line on
  an account with utfall or budget *below* it, given to Fava on that account,
  makes the expanded row read its own utfall (none) against the whole budget
  ("0,00 (+10 202 157,34)"). So such a line is given to Fava on a name one step
  below the account, `<account>:(budget)` (`SUBTREE`), which no Beancount account
  can have (a component starts with a capital or a digit): it is never a row of
  its own, and every row above it (the account itself, its verksamhet, the nämnd,
  the root) counts it in its children's budget, against its children's utfall —
  like with like. A line on an account with nothing below it (the SIE ledger's
  verksamhet:konto) is given on the account itself: its row compares its own
  utfall with its own budget.
  Every usable line on a result account is given, so no row's children's budget
  lacks a part of what our engine budgets under it. What is left without a
  budget column in Fava is the expanded row of an account with utfall both on
  itself and below it (its own utfall is shown alone; collapsed, the sums compare).
- Fava sums a row's children's budget by the *text* of the name: `…:57` would
  count the budget of `…:573`. Where an account Fava shows is such a text prefix
  of a budgeted name that is not under it, every budget of that root (Intäkter or
  Kostnader) is withheld and said so (`FavaBudgets.withheld`): a part withheld
  would leave the sums above it short.
- Investment budgets (on tillgångar) are not given: Fava's rows above them
  (`Tillgångar:<nämnd>`) would compare them with the change of every asset.
- Fava gets no budget after the last utfall date (the report date of our pages
  without a time filter): a month without utfall would otherwise read as wholly
  under budget. A zero directive is set the day after the last utfall, so a
  period reaching past it (the year 2026 on 31 October) compares the utfall with
  the budget for the same days, as our budgetuppföljning does on that report
  date, and a budget not yet reached has none. Our engine spreads a month's part
  by days as Fava does, so a last utfall in mid-month gives the same part.

They are built where Fava reads them, by the extension after each load
(`namndbok_fava.Namndbok.after_load_file`), not by a plugin: no command, check or
query of the ledger needs them, and a plugin would make every load pay for them.

Example: with an even key and utfall on `…:5731` alone through 31 October 2026,

    2025-12-10 custom "budgetbeslut" "Internbudget 2026"
      typ: "internbudget"
      beslut: "SN 2025-12-10 §150"
    2026-01-01 custom "budgetrad" "Internbudget 2026" Kostnader:Socialnämnden:5731  120000.00 SEK

gives (Fava keeps a monthly budget until the next directive; a key that varies by
month gets one per month)

    2026-01-01 custom "budget" Kostnader:Socialnämnden:5731 "monthly" 10000.00 SEK
    2026-11-01 custom "budget" Kostnader:Socialnämnden:5731 "monthly" 0.00 SEK

and with utfall on `…:5731:4610` the same on `Kostnader:Socialnämnden:5731:(budget)`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from beancount.core import account as bc_account
from beancount.core import amount as bc_amount
from beancount.core import data
from beancount.parser.grammar import ValueType

from namndbok.accounts import RESULT_KINDS
from namndbok.budget import lines_in_effect
from namndbok.engine import line_weights
from namndbok.periodisering import month_shares
from namndbok.plan_lines import fava_version_known, usable_plan_lines

CENT = Decimal("0.01")
ZERO_CENTS = Decimal("0.00")
FAR_FUTURE = datetime.date(9999, 12, 31)
SOURCE = "<namndbok.fava_budget>"
SUBTREE = "(budget)"  # the name under an account that carries its budget for Fava's sums (see above)


class FavaBudgets(NamedTuple):
    directives: list[data.Custom]
    withheld: dict[str, tuple[str, str]]  # root → (an account Fava shows, a budgeted name it is a text prefix of)


def fava_budget_directives(ledger, accounts: Iterable[str] = ()) -> list[data.Custom]:
    """Fava `custom "budget"` directives of a `LedgerData` (see `fava_budgets`)."""
    return fava_budgets(ledger, accounts).directives


def fava_budgets(ledger, accounts: Iterable[str] = ()) -> FavaBudgets:
    """Fava's budget directives of a `LedgerData`, by the rules in the module docstring.

    `accounts` are the account names Fava shows besides those with utfall or budget
    (its opened accounts), for the check of names that are text prefixes of others."""
    if not fava_version_known(ledger):
        return FavaBudgets([], {})  # namndbok.plugins.budget reports the unknown version
    span = ledger.utfall_span()
    if span is None:
        return FavaBudgets([], {})  # no utfall: nothing for a budget to stand beside
    stop = span[1] + datetime.timedelta(days=1)
    lines, _ = usable_plan_lines(ledger)
    lines = [line for line in lines if ledger.refs[line.account].kind in RESULT_KINDS]
    monthly = _monthly(ledger, lines)
    names = fava_names(monthly, ledger.utfall)
    withheld = _prefix_clashes(set(names.values()), {*ledger.utfall, *monthly, *accounts})
    monthly_type = ValueType("monthly", str)
    currency = ledger.currency
    out = []
    for account, by_year in sorted(monthly.items()):
        name = names[account]
        if name.split(":", 1)[0] in withheld:
            continue
        account_type = ValueType(name, bc_account.TYPE)
        for index, (month, number) in enumerate(_changes(by_year, stop)):
            out.append(data.Custom(data.new_metadata(SOURCE, index), month, "budget",
                                   [account_type, monthly_type, ValueType(bc_amount.Amount(number, currency), bc_amount.Amount)]))
    return FavaBudgets(out, withheld)


def _monthly(ledger, lines) -> dict[str, dict[int, list[Decimal]]]:
    """Each budgeted account's twelve monthly amounts per year, as in effect after the decisions."""
    version = ledger.budget_config.fava_version
    monthly: dict[str, dict[int, list[Decimal]]] = {}
    for year in sorted({line.date.year for line in lines}):
        for line in lines_in_effect(ledger.decisions, lines, year, FAR_FUTURE, version):
            by_year = monthly.setdefault(line.account, {})
            parts = [line.amount * share for share in month_shares(line_weights(ledger, line))]
            months = by_year.get(year)
            by_year[year] = parts if months is None else [a + b for a, b in zip(months, parts)]
    return monthly


def fava_names(budgeted: Iterable[str], booked: Iterable[str]) -> dict[str, str]:
    """The name Fava gets each budgeted account's budget on: the account itself when no
    account with utfall or budget is below it, else `<account>:(budget)`."""
    budgeted = set(budgeted)
    below = set()
    for name in {*budgeted, *booked}:
        parts = name.split(":")
        below.update(":".join(parts[:n]) for n in range(1, len(parts)))
    return {account: f"{account}:{SUBTREE}" if account in below else account for account in budgeted}


def _prefix_clashes(given: set[str], shown: set[str]) -> dict[str, tuple[str, str]]:
    """Per root, a name Fava shows (or a parent of one) that is a text prefix, not a parent,
    of a name given a budget: Fava's sum of children's budgets would count it."""
    rows = set()
    for name in shown:
        parts = name.split(":")
        rows.update(":".join(parts[:n]) for n in range(1, len(parts) + 1))
    clashes: dict[str, tuple[str, str]] = {}
    for name in sorted(given):
        root = name.split(":", 1)[0]
        for end in range(1, len(name)):
            if name[end] != ":" and name[end - 1] != ":" and name[:end] in rows and root not in clashes:
                clashes[root] = (name[:end], name)
    return clashes


def _changes(by_year: dict[int, list[Decimal]], stop: datetime.date) -> list[tuple[datetime.date, Decimal]]:
    """The first days where the monthly amount changes, with the amount, and a zero at `stop`.

    Fava applies the last directive in effect, so only the months where the amount
    changes need one (an even key: one per year, not twelve); Fava keeps a budget
    until the next one, so a budgeted year not followed by one ends with a zero, and
    so does the last utfall date's next day."""
    changes: list[tuple[datetime.date, Decimal]] = []
    previous = None
    for year in sorted(by_year):
        for month, number in enumerate((n.quantize(CENT) for n in by_year[year]), start=1):
            if number != previous:
                changes.append((datetime.date(year, month, 1), number))
                previous = number
        if year + 1 not in by_year and previous != ZERO_CENTS:
            changes.append((datetime.date(year + 1, 1, 1), ZERO_CENTS))
            previous = ZERO_CENTS
    kept = [(day, number) for day, number in changes if day < stop]
    if kept and kept[-1][1] != ZERO_CENTS:
        kept.append((stop, ZERO_CENTS))
    return kept
